package io.conduit.platform.events;

import io.conduit.platform.DomainEvent;

/** A named subscriber of one event type; the name keys its outbox rows, so it must stay stable. */
public record Subscription<E extends DomainEvent>(Class<E> type, String name, EventHandler<E> handler) {
    /** Hands {@code event} to the handler, on the relay's transaction. */
    public void deliver(org.jdbi.v3.core.Handle handle, DomainEvent event) {
        handler.handle(handle, type.cast(event));
    }
}
