package io.conduit.platform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conduit.platform.DomainEvent;
import io.conduit.platform.database.AfterCommit;
import io.conduit.platform.json.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * The event registry. Modules subscribe in their wiring; publishers write events on the same Jdbi
 * handle as the change they describe, so both commit or neither does.
 *
 * <p>Besides the outbox's subscribers, the composition root may attach {@link #afterCommit}
 * listeners: in-process reactions on the publishing instance once the change is committed, such as
 * dropping the HTTP response cache. Domain code publishes facts; it never calls what reacts to them.
 */
public final class Events {
    private static final String INSERT = """
            insert into platform.event_publication (subscriber, event_type, payload, published_at, next_attempt_at)
            values (:subscriber, :type, cast(:payload as jsonb), :now, :now)
            """;

    private final Map<Class<?>, List<Subscription<?>>> byType = new ConcurrentHashMap<>();
    private final Map<String, Subscription<?>> byName = new ConcurrentHashMap<>();
    private final Map<Class<?>, List<Consumer<DomainEvent>>> listeners = new ConcurrentHashMap<>();
    private final Clock clock;

    public Events(Clock clock) {
        this.clock = clock;
    }

    public <E extends DomainEvent> void subscribe(Class<E> type, String name, EventHandler<E> handler) {
        subscribe(new Subscription<>(type, name, handler));
    }

    /** Registers {@code subscription}: each event of its type is delivered to it at least once. */
    public void subscribe(Subscription<?> subscription) {
        String name = subscription.name();
        if (byName.putIfAbsent(name, subscription) != null) {
            throw new IllegalStateException("two subscribers are named " + name);
        }
        byType.computeIfAbsent(subscription.type(), t -> new CopyOnWriteArrayList<>())
                .add(subscription);
    }

    /**
     * Tells {@code listener}, on this instance, of every {@code type} event once the transaction that
     * published it has committed; never if it rolls back. Not stored and not retried: for reactions
     * that may be lost with the instance. One that must happen is an outbox {@link #subscribe}r.
     *
     * <p>The moment is the commit of the handle the event was published on. For a request with an
     * {@code Idempotency-Key} that is the request's one transaction (every module call joins it, see
     * {@code platform.idempotency.RequestTransaction}), so the listener runs once the request's
     * writes and its key's record are committed together; otherwise it is the module's own
     * transaction. A listener that throws fails that commit's caller after the commit: keep it small.
     */
    public <E extends DomainEvent> void afterCommit(Class<E> type, Consumer<? super E> listener) {
        listeners
                .computeIfAbsent(type, t -> new CopyOnWriteArrayList<>())
                .add(event -> listener.accept(type.cast(event)));
    }

    /**
     * Records {@code event} for each of its subscribers, inside the caller's transaction, and has its
     * {@link #afterCommit} listeners told when that transaction commits. Publish as the last step of
     * the transaction: Jdbi keeps after-commit callbacks through a rollback to a savepoint.
     */
    public void publish(Handle handle, DomainEvent event) {
        store(handle, event);
        List<Consumer<DomainEvent>> local = listeners.getOrDefault(event.getClass(), List.of());
        if (local.isEmpty()) {
            return;
        }
        AfterCommit.run(handle, () -> local.forEach(listener -> listener.accept(event)));
    }

    private void store(Handle handle, DomainEvent event) {
        List<Subscription<?>> subscribers = byType.getOrDefault(event.getClass(), List.of());
        if (subscribers.isEmpty()) {
            return;
        }
        String payload = serialize(event);
        var now = clock.instant();
        var batch = handle.prepareBatch(INSERT);
        for (Subscription<?> subscriber : subscribers) {
            batch.bind("subscriber", subscriber.name())
                    .bind("type", event.getClass().getName())
                    .bind("payload", payload)
                    .bind("now", now)
                    .add();
        }
        batch.execute();
    }

    /** The subscriber named {@code name}, for the outbox relay. */
    public Optional<Subscription<?>> subscription(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The clock events are stamped with, for the outbox relay. */
    public Clock clock() {
        return clock;
    }

    private static String serialize(DomainEvent event) {
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.getClass().getName() + " cannot be written as JSON", e);
        }
    }
}
