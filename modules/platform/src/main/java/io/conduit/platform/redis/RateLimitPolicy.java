package io.conduit.platform.redis;

import java.time.Duration;

/** At most {@code limit} requests per {@code window} for one subject (an address, a user, an account). */
public record RateLimitPolicy(String name, long limit, Duration window) {
    public RateLimitPolicy {
        if (limit < 1 || window.toMillis() < 1000) {
            throw new IllegalArgumentException("a rate limit needs a limit of at least 1 and a window of at least 1 s");
        }
    }
}
