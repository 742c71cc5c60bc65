package io.conduit.platform.events;

import io.conduit.platform.DomainEvent;
import org.jdbi.v3.core.Handle;

/**
 * Reacts to one event inside the relay's transaction, which also marks the delivery complete: its
 * database effects happen exactly once. Anything else it does must be idempotent.
 */
@FunctionalInterface
public interface EventHandler<E extends DomainEvent> {
    void handle(Handle handle, E event);
}
