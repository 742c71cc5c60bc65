package io.conduit.platform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conduit.platform.DomainEvent;
import io.conduit.platform.http.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;

/**
 * The event registry. Modules subscribe in their wiring; publishers write events on the same Jdbi
 * handle as the change they describe, so both commit or neither does.
 */
public final class Events {
    private static final String INSERT = """
            insert into platform.event_publication (subscriber, event_type, payload, published_at, next_attempt_at)
            values (:subscriber, :type, cast(:payload as jsonb), :now, :now)
            """;

    private final Map<Class<?>, List<Subscription<?>>> byType = new ConcurrentHashMap<>();
    private final Map<String, Subscription<?>> byName = new ConcurrentHashMap<>();
    private final Clock clock;

    public Events(Clock clock) {
        this.clock = clock;
    }

    public <E extends DomainEvent> void subscribe(Class<E> type, String name, EventHandler<E> handler) {
        var subscription = new Subscription<>(type, name, handler);
        if (byName.putIfAbsent(name, subscription) != null) {
            throw new IllegalStateException("two subscribers are named " + name);
        }
        byType.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(subscription);
    }

    /** Records {@code event} for each of its subscribers, inside the caller's transaction. */
    public void publish(Handle handle, DomainEvent event) {
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

    Optional<Subscription<?>> subscription(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Clock clock() {
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
