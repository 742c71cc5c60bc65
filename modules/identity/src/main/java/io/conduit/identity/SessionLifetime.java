package io.conduit.identity;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The arithmetic of a session's life, in epoch milliseconds: a sliding idle timeout, renewed at most
 * once per touch interval (a tenth of the idle timeout, from 1 s to 1 min) and never past the
 * absolute lifetime, which ends the session however busy it is.
 *
 * @param idleMillis a session unused this long expires
 * @param absoluteMillis a session this old expires
 */
record SessionLifetime(long idleMillis, long absoluteMillis) {
    private static final long MIN_TOUCH_INTERVAL = Duration.ofSeconds(1).toMillis();
    private static final long MAX_TOUCH_INTERVAL = Duration.ofMinutes(1).toMillis();

    static SessionLifetime of(Duration idleTimeout, Duration absoluteLifetime) {
        return new SessionLifetime(idleTimeout.toMillis(), absoluteLifetime.toMillis());
    }

    /** How long after one renewal the next is due. */
    long touchIntervalMillis() {
        return Math.max(MIN_TOUCH_INTERVAL, Math.min(MAX_TOUCH_INTERVAL, idleMillis / 10));
    }

    /** Whether a session created at {@code created} has reached its absolute lifetime at {@code now}. */
    boolean expired(long created, long now) {
        return created <= lastExpiredCreation(now);
    }

    /** Whether a session last renewed at {@code seen} has reached its idle timeout at {@code now}. */
    boolean idleExpired(long seen, long now) {
        return now - seen >= idleMillis;
    }

    /** The latest creation time of a session that has expired at {@code now}. */
    long lastExpiredCreation(long now) {
        return now - absoluteMillis;
    }

    /**
     * The TTL to renew a session with when it is used at {@code now}: the idle timeout, or what is
     * left of the absolute lifetime when that is less. Empty when the last renewal ({@code seen}) is
     * within the touch interval, or the session has expired.
     */
    OptionalLong renewal(long created, long seen, long now) {
        if (expired(created, now) || now - seen < touchIntervalMillis()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.min(idleMillis, created + absoluteMillis - now));
    }
}
