package io.conduit.platform.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests with an {@code Idempotency-Key}, recorded in PostgreSQL next to the data they change.
 *
 * <p>A key moves {@code running} (claimed by one attempt, for a lease) → {@code committed} (the
 * attempt's transaction committed, marked inside it by {@link IdempotentCommits}) → {@code done}
 * (its response is kept for replays until the retention ends). An attempt that fails before it
 * commits frees the key, so a retry runs again; one whose instance died frees it when the lease
 * ends. A committed key is never run again: if its response was lost (the instance died, or the
 * request failed after its commit), a retry learns that it was carried out.
 *
 * <p>Redis would be faster, but a record there can be lost in a failover and cannot commit with
 * the change it protects; both would let a retry write twice.
 */
public final class IdempotencyStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String CLAIM = """
            insert into platform.idempotency_key as k (key, fingerprint, state, owner, lease_until, expires_at)
            values (:key, :fingerprint, 'running', :owner, :leaseUntil, :expiresAt)
            on conflict (key) do update
              set fingerprint = excluded.fingerprint, state = 'running', owner = excluded.owner,
                  lease_until = excluded.lease_until, expires_at = excluded.expires_at,
                  status = null, content_type = null, body = null
              where k.expires_at < :now
                 or (k.state = 'running' and k.lease_until < :now and k.fingerprint = excluded.fingerprint)
            returning owner
            """;
    private static final String FIND = """
            select fingerprint, state, status, content_type, body from platform.idempotency_key where key = :key
            """;
    private static final String COMPLETE = """
            update platform.idempotency_key
            set state = 'done', status = :status, content_type = :contentType, body = :body, expires_at = :expiresAt
            where key = :key and owner = :owner
            """;
    private static final String RELEASE = """
            delete from platform.idempotency_key where key = :key and owner = :owner and state = 'running'
            """;
    private static final String PURGE = """
            delete from platform.idempotency_key
            where ctid = any (array(select ctid from platform.idempotency_key where expires_at < :now limit 1000))
            """;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration lease;
    private final Duration retention;
    private final ScheduledExecutorService purger;

    /**
     * @param lease how long a claim holds while its request runs; an instance that dies frees it then
     * @param retention how long a response is kept for replays
     */
    public IdempotencyStore(Jdbi jdbi, Clock clock, Duration lease, Duration retention) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.lease = lease;
        this.retention = retention;
        this.purger = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("idempotency-purge").factory());
        purger.scheduleWithFixedDelay(this::purgeQuietly, 1, 1, TimeUnit.MINUTES);
    }

    /** Claims {@code key} for this attempt and binds it to the current thread, or says what holds it. */
    public Outcome claim(String key, String fingerprint) {
        var owner = UUID.randomUUID();
        var now = now();
        Optional<UUID> claimed = jdbi.withHandle(h -> h.createQuery(CLAIM)
                .bind("key", key)
                .bind("fingerprint", fingerprint)
                .bind("owner", owner)
                .bind("now", now)
                .bind("leaseUntil", now.plus(lease))
                .bind("expiresAt", now.plus(lease).plus(retention))
                .mapTo(UUID.class)
                .findOne());
        if (claimed.isPresent() && claimed.get().equals(owner)) {
            var claim = new Claim(key, owner);
            IdempotentCommits.bind(claim);
            return new Outcome.Claimed(claim);
        }
        Optional<Outcome> held = jdbi.withHandle(h -> h.createQuery(FIND)
                .bind("key", key)
                .map((rs, ctx) -> held(
                        fingerprint,
                        rs.getString("fingerprint"),
                        rs.getString("state"),
                        (Integer) rs.getObject("status"),
                        rs.getString("content_type"),
                        rs.getString("body")))
                .findOne());
        return held.orElse(new Outcome.Running()); // purged in between: the retry's retry will claim it
    }

    private static Outcome held(
            String fingerprint,
            String storedFingerprint,
            String state,
            @Nullable Integer status,
            @Nullable String contentType,
            @Nullable String body) {
        if (!storedFingerprint.equals(fingerprint)) {
            return new Outcome.Mismatch();
        }
        return switch (state) {
            case "done" -> new Outcome.Replay(status == null ? 500 : status, contentType, body);
            case "committed" -> new Outcome.CarriedOut();
            default -> new Outcome.Running();
        };
    }

    /**
     * Ends this attempt: keeps a response below 500 for replays; after a 5xx frees the key unless
     * the request committed (then a retry must not act again, and learns that it was carried out).
     * Never throws: the response is already decided.
     */
    public void finish(Claim claim, int status, String contentType, String body) {
        IdempotentCommits.unbind();
        if (status >= 500) {
            if (claim.committed()) {
                log.warn("request failed with {} after it committed; its Idempotency-Key stays carried out", status);
            } else {
                release(claim);
            }
            return;
        }
        try {
            jdbi.useHandle(h -> h.createUpdate(COMPLETE)
                    .bind("key", claim.key())
                    .bind("owner", claim.owner())
                    .bind("status", status)
                    .bind("contentType", contentType)
                    .bind("body", body)
                    .bind("expiresAt", now().plus(retention))
                    .execute());
        } catch (RuntimeException e) {
            log.warn(
                    "could not keep the response of an idempotent request ({}); a retry {}",
                    e.getMessage(),
                    claim.committed() ? "learns it was carried out" : "waits for the lease to end");
        }
    }

    /**
     * Ends an attempt whose response must not be stored (it carries a credential): a committed
     * request stays carried out, anything else frees the key so that a retry runs again.
     */
    public void finishWithoutResponse(Claim claim) {
        IdempotentCommits.unbind();
        if (!claim.committed()) {
            release(claim);
        }
    }

    /** Frees the key of an attempt that did not commit, so that a retry runs again. Never throws. */
    private void release(Claim claim) {
        try {
            jdbi.useHandle(h -> h.createUpdate(RELEASE)
                    .bind("key", claim.key())
                    .bind("owner", claim.owner())
                    .execute());
        } catch (RuntimeException e) {
            log.warn("could not free an idempotency key ({}); a retry waits for the lease to end", e.getMessage());
        }
    }

    /** Deletes up to 1000 expired records; returns how many. Safe on every instance at once. */
    int purgeExpired() {
        return jdbi.withHandle(h -> h.createUpdate(PURGE).bind("now", now()).execute());
    }

    private void purgeQuietly() {
        try {
            purgeExpired();
        } catch (RuntimeException e) {
            log.debug("purging idempotency keys failed: {}", e.getMessage());
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Override
    public void close() {
        purger.shutdownNow();
    }

    /** What a claim found. */
    public sealed interface Outcome {
        /** This attempt holds the key and runs the request. */
        record Claimed(Claim claim) implements Outcome {}

        /** The first attempt finished: its response, to send again. */
        record Replay(
                int status,
                @Nullable String contentType,
                @Nullable String body) implements Outcome {}

        /** Another attempt holds the key and may still be running. */
        record Running() implements Outcome {}

        /** The request was carried out, but its response was lost or is not kept. */
        record CarriedOut() implements Outcome {}

        /** The key was used for a different request. */
        record Mismatch() implements Outcome {}
    }
}
