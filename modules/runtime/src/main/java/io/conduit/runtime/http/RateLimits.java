package io.conduit.runtime.http;

import io.conduit.platform.http.RouteLimits;
import io.conduit.platform.redis.RateLimitPolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The server-wide request limits, per IETF httpapi ratelimit-headers: anonymous requests per client
 * address, signed-in requests per user. Modules add their own to single routes ({@link
 * RouteLimits}). Null turns a limit off.
 */
public record RateLimits(
        @Nullable RateLimitPolicy anonymous, @Nullable RateLimitPolicy user) {

    public static RateLimits none() {
        return new RateLimits(null, null);
    }

    /** The limits that are on. */
    public List<RateLimitPolicy> policies() {
        return RateLimitPolicy.on(anonymous, user);
    }
}
