package io.conduit.runtime.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests with an {@code Idempotency-Key}, carried out exactly once by construction.
 *
 * <p>A keyed request runs in one PostgreSQL transaction from its claim to its response (see {@link
 * RequestTransaction}): the claim takes a transaction-scoped advisory lock on the key, every write
 * of every module joins the transaction, and the key's record (with the response) is its last
 * statement. So the record exists exactly when the request's writes are committed, and a retry
 * finds either the record (its response is replayed, or, for a response carrying a credential, it
 * learns the request was carried out) or no record and no writes (it runs the request afresh).
 *
 * <p>Takeover goes by liveness, not by a clock: while an attempt is alive its lock holds and a retry
 * is told it is still running, however slow it is; when its instance dies, PostgreSQL ends the
 * connection, rolls the transaction back and frees the lock at once (a killed process's socket is
 * closed by its kernel; a host that vanishes is noticed by the TCP keepalives of the connection),
 * and the next retry runs the request.
 *
 * <p>Rows of the previous version's protocol ('running' with a lease) are honoured while their
 * lease lasts, so a rolling deployment that runs both versions never runs a request twice.
 */
public final class IdempotencyStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String LOCK = "select pg_try_advisory_xact_lock(hashtextextended(:key, 0))";
    private static final String FIND = """
            select fingerprint, state, status, content_type, body, lease_until < :now as lapsed
            from platform.idempotency_key where key = :key and expires_at >= :now
            """;
    private static final String RECORD = """
            insert into platform.idempotency_key as k (key, fingerprint, state, status, content_type, body, expires_at)
            values (:key, :fingerprint, :state, :status, :contentType, :body, :expiresAt)
            on conflict (key) do update
              set fingerprint = excluded.fingerprint, state = excluded.state, owner = null, lease_until = null,
                  status = excluded.status, content_type = excluded.content_type, body = excluded.body,
                  expires_at = excluded.expires_at
              where k.expires_at < :now or (k.state = 'running' and k.lease_until < :now)
            """;
    private static final String BACKEND = "select pg_backend_pid()";
    private static final String PURGE = """
            delete from platform.idempotency_key
            where ctid = any (array(select ctid from platform.idempotency_key where expires_at < :now limit 1000))
            """;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;
    private final CommitObserver observer;
    private final ScheduledExecutorService purger;

    /**
     * Installs the request transaction on {@code jdbi}: from now on, module calls on it join the
     * transaction of a keyed request running on the same thread.
     *
     * @param retention how long a response is kept for replays
     */
    public IdempotencyStore(Jdbi jdbi, Clock clock, Duration retention, CommitObserver observer) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retention = retention;
        this.observer = observer;
        RequestTransaction.install(jdbi);
        this.purger = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("idempotency-purge").factory());
        purger.scheduleWithFixedDelay(this::purgeQuietly, 1, 1, TimeUnit.MINUTES);
    }

    /**
     * Claims {@code key} for this attempt, or says what holds it. A claim opens the request
     * transaction and binds it to the current thread until {@link #finish} or {@link #abandon}.
     */
    public Outcome claim(String key, String fingerprint) {
        Handle handle = jdbi.open();
        try {
            handle.begin();
            boolean locked = handle.createQuery(LOCK)
                    .bind("key", key)
                    .mapTo(Boolean.class)
                    .one();
            Optional<Outcome> held = locked ? find(handle, key, fingerprint) : Optional.of(new Outcome.Running());
            if (held.isPresent()) {
                end(handle);
                return held.get();
            }
            var claim = new Claim(key, fingerprint, handle);
            RequestTransaction.bind(jdbi, handle);
            return new Outcome.Claimed(claim);
        } catch (RuntimeException e) {
            end(handle);
            throw e;
        }
    }

    private Optional<Outcome> find(Handle handle, String key, String fingerprint) {
        return handle.createQuery(FIND)
                .bind("key", key)
                .bind("now", now())
                .map((rs, ctx) -> Optional.ofNullable(held(
                        fingerprint,
                        rs.getString("fingerprint"),
                        rs.getString("state"),
                        Boolean.TRUE.equals(rs.getObject("lapsed")),
                        (Integer) rs.getObject("status"),
                        rs.getString("content_type"),
                        rs.getString("body"))))
                .findOne()
                .flatMap(held -> held);
    }

    /** What a record says to a retry; null when it no longer holds (a lapsed claim of the previous version). */
    private static @Nullable Outcome held(
            String fingerprint,
            String storedFingerprint,
            String state,
            boolean lapsed,
            @Nullable Integer status,
            @Nullable String contentType,
            @Nullable String body) {
        if (state.equals("running") && lapsed) {
            return null;
        }
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
     * Ends the attempt with its response. A 5xx rolls back everything the request wrote (a retry
     * runs it afresh); anything else commits the writes together with the key's record, which keeps
     * {@code body} for replays, or, when {@code body} is null (it carries a credential), only the
     * fact that the request was carried out.
     *
     * @return false when the commit failed: nothing was done, and the response must become a 503
     */
    public boolean finish(Claim claim, int status, String contentType, @Nullable String body) {
        RequestTransaction.unbind(jdbi);
        claim.finish();
        Handle handle = claim.handle();
        if (status >= 500) {
            end(handle);
            return true;
        }
        try {
            int recorded = handle.createUpdate(RECORD)
                    .bind("key", claim.key())
                    .bind("fingerprint", claim.fingerprint())
                    .bind("state", body == null ? "committed" : "done")
                    .bind("status", status)
                    .bind("contentType", contentType)
                    .bind("body", body)
                    .bind("now", now())
                    .bind("expiresAt", now().plus(retention))
                    .execute();
            if (recorded != 1) {
                log.warn("an Idempotency-Key was claimed by an instance of the previous version; rolling back");
                end(handle);
                return false;
            }
            if (observer != CommitObserver.NONE) {
                observer.beforeCommit(
                        claim, handle.createQuery(BACKEND).mapTo(Integer.class).one());
            }
            handle.commit();
        } catch (RuntimeException e) {
            log.warn("an idempotent request could not commit ({}); nothing was done", e.getMessage());
            end(handle);
            return false;
        }
        end(handle);
        observer.afterCommit(claim);
        return true;
    }

    /** Rolls back an attempt that never reached {@link #finish} (its request ended abnormally). */
    public void abandon(Claim claim) {
        if (claim.finished()) {
            return;
        }
        RequestTransaction.unbind(jdbi);
        claim.finish();
        log.error("an idempotent request ended without finishing its claim; rolled back");
        end(claim.handle());
    }

    /** Rolls back (when still in a transaction) and closes; never throws, the connection may be gone. */
    private static void end(Handle handle) {
        try {
            if (handle.isInTransaction()) {
                handle.rollback();
            }
        } catch (RuntimeException e) {
            log.debug("rollback failed: {}", e.getMessage());
        }
        try {
            handle.close();
        } catch (RuntimeException e) {
            log.debug("closing a handle failed: {}", e.getMessage());
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

    private Instant now() {
        return clock.instant();
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

        /** Another attempt holds the key and is alive. */
        record Running() implements Outcome {}

        /** The request was carried out, but its response is not kept (it carried a credential). */
        record CarriedOut() implements Outcome {}

        /** The key was used for a different request. */
        record Mismatch() implements Outcome {}
    }
}
