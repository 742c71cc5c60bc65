package io.conduit.runtime.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conduit.platform.DomainEvent;
import io.conduit.platform.database.UtcInstants;
import io.conduit.platform.events.Events;
import io.conduit.platform.events.Subscription;
import io.conduit.platform.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox rows on every instance. A pass claims one due row at a time with
 * {@code FOR UPDATE SKIP LOCKED}, so instances never deliver the same row concurrently, and runs
 * the handler in the transaction that marks the row complete: a crash before commit leaves the row
 * due again (at least once), a commit makes both effects durable (database effects exactly once).
 * A failing handler backs off exponentially (1 s doubling to 5 min, with jitter) and stays visible
 * in {@code last_error}, a metric and the log.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration LAG_CHECK = Duration.ofSeconds(5);

    private static final String CLAIM = """
            select id, subscriber, payload::text as payload, attempts
            from platform.event_publication
            where completed_at is null and next_attempt_at <= :now
            order by next_attempt_at, id
            limit 1
            for update skip locked
            """;
    private static final String COMPLETE = """
            update platform.event_publication set completed_at = :now, attempts = attempts + 1 where id = :id
            """;
    private static final String FAIL = """
            update platform.event_publication
            set attempts = attempts + 1, next_attempt_at = :next, last_error = :error
            where id = :id
            """;
    private static final String LAG = """
            select count(*) as pending, min(published_at) as oldest
            from platform.event_publication where completed_at is null
            """;
    private static final String PURGE = """
            delete from platform.event_publication where completed_at < :before
            """;

    private final Jdbi jdbi;
    private final Events events;
    private final OutboxSettings settings;
    private final MeterRegistry registry;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private volatile long nextLagCheck;

    private OutboxRelay(Jdbi jdbi, Events events, OutboxSettings settings, MeterRegistry registry) {
        this.jdbi = jdbi;
        this.events = events;
        this.settings = settings;
        this.registry = registry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("outbox-relay").daemon().factory());
        Gauge.builder("outbox.pending", pending, AtomicLong::get)
                .description("Undelivered outbox rows")
                .register(registry);
        Gauge.builder("outbox.lag.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("Age of the oldest undelivered outbox row")
                .register(registry);
    }

    /**
     * Starts relaying; the first pass runs one poll interval after start. No pass runs while {@code
     * readOnly} says the database takes no writes (a replica: nothing new is published there, and
     * delivering means updating the rows); the rows wait where they are, as during an outage.
     */
    public static OutboxRelay start(
            Jdbi jdbi, Events events, OutboxSettings settings, BooleanSupplier readOnly, MeterRegistry registry) {
        var relay = new OutboxRelay(jdbi, events, settings, registry);
        long interval = Math.max(10, settings.pollInterval().toMillis());
        relay.scheduler.scheduleWithFixedDelay(
                () -> {
                    if (!readOnly.getAsBoolean()) {
                        relay.pass();
                    }
                },
                interval,
                interval,
                TimeUnit.MILLISECONDS);
        return relay;
    }

    /** One pass: delivers due rows until none is left or the batch is full. */
    private void pass() {
        try {
            int delivered = 0;
            while (delivered < settings.batchSize() && deliverOne()) {
                delivered++;
            }
            checkLag();
        } catch (RuntimeException e) {
            log.warn("outbox pass failed, retrying next interval: {}", e.toString());
        }
    }

    /** Claims and delivers one due row; false when none is due. */
    boolean deliverOne() {
        var claimed = new AtomicLong(-1);
        var subscriberName = new String[1];
        try {
            return jdbi.inTransaction(h -> {
                var now = now();
                Optional<Claimed> row = h.createQuery(CLAIM)
                        .bind("now", now)
                        .map((rs, ctx) ->
                                new Claimed(rs.getLong("id"), rs.getString("subscriber"), rs.getString("payload")))
                        .findOne();
                if (row.isEmpty()) {
                    return false;
                }
                claimed.set(row.get().id());
                subscriberName[0] = row.get().subscriber();
                Subscription<?> subscription = events.subscription(row.get().subscriber())
                        .orElseThrow(() -> new IllegalStateException(
                                "no subscriber named " + row.get().subscriber()));
                DomainEvent event = Json.mapper().readValue(row.get().payload(), subscription.type());
                subscription.deliver(h, event);
                h.createUpdate(COMPLETE)
                        .bind("now", now)
                        .bind("id", row.get().id())
                        .execute();
                counter("outbox.delivered", subscription.name()).increment();
                return true;
            });
        } catch (RuntimeException | JsonProcessingException e) {
            if (claimed.get() < 0) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            recordFailure(claimed.get(), subscriberName[0], e);
            return true;
        }
    }

    private void recordFailure(long id, String subscriber, Exception e) {
        int attempts =
                jdbi.withHandle(h -> h.createQuery("select attempts from platform.event_publication where id = :id")
                        .bind("id", id)
                        .mapTo(Integer.class)
                        .one());
        Duration backoff = backoff(attempts + 1);
        jdbi.useHandle(h -> h.createUpdate(FAIL)
                .bind("id", id)
                .bind("next", now().plus(backoff))
                .bind("error", String.valueOf(e))
                .execute());
        counter("outbox.failures", subscriber).increment();
        log.atWarn()
                .addKeyValue("outboxId", id)
                .addKeyValue("subscriber", subscriber)
                .addKeyValue("attempt", attempts + 1)
                .log("outbox delivery failed, retrying in {}: {}", backoff, e.toString());
    }

    static Duration backoff(int attempt) {
        return backoff(attempt, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * The pause after failed delivery number {@code attempt} (1 for the first failure): 1 s doubling
     * per failure, plus a jitter below a fifth of that, drawn by {@code random} from 0 up to the bound
     * it is given; never over 5 minutes.
     */
    static Duration backoff(int attempt, LongUnaryOperator random) {
        long base = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(20, attempt - 1));
        long jitter = random.applyAsLong(Math.max(1, base / 5));
        return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), base + jitter));
    }

    private void checkLag() {
        long nowMillis = System.currentTimeMillis();
        if (nowMillis < nextLagCheck) {
            return;
        }
        nextLagCheck = nowMillis + LAG_CHECK.toMillis();
        jdbi.useHandle(h -> {
            h.createQuery(LAG)
                    .map((rs, ctx) -> {
                        pending.set(rs.getLong("pending"));
                        Instant oldest = UtcInstants.nullableColumn(rs, "oldest");
                        long age = oldest == null
                                ? 0
                                : Duration.between(oldest, events.clock().instant())
                                        .toSeconds();
                        oldestAgeSeconds.set(Math.max(0, age));
                        return true;
                    })
                    .one();
            h.createUpdate(PURGE)
                    .bind("before", now().minus(settings.retention()))
                    .execute();
        });
        if (oldestAgeSeconds.get() > settings.alertAge().toSeconds()) {
            log.atError()
                    .addKeyValue("pending", pending.get())
                    .addKeyValue("oldestAgeSeconds", oldestAgeSeconds.get())
                    .log("outbox deliveries are late: the oldest is {} s old", oldestAgeSeconds.get());
        }
    }

    private Counter counter(String name, String subscriber) {
        return Counter.builder(name).tag("subscriber", subscriber).register(registry);
    }

    private Instant now() {
        return events.clock().instant();
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Claimed(long id, String subscriber, String payload) {}
}
