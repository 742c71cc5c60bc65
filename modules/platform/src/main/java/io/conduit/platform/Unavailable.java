package io.conduit.platform;

import java.time.Duration;

/**
 * A dependency (PostgreSQL, Redis, the password hasher's capacity) cannot serve now: HTTP 503 with
 * {@code Retry-After}. Thrown fast instead of letting requests queue.
 */
public final class Unavailable extends ApiError {
    private final Duration retryAfter;

    public Unavailable(String dependency, Duration retryAfter) {
        this(dependency, "is unavailable, retry later", retryAfter);
    }

    /** With a message that says more than "unavailable" (why, and what still works). */
    public Unavailable(String dependency, String message, Duration retryAfter) {
        super(dependency, message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
