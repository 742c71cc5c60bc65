package io.conduit.platform.http;

import io.conduit.platform.redis.RateLimitPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The request limits, per IETF httpapi ratelimit-headers: anonymous requests per client address,
 * signed-in requests per user, and much stricter ones on login and registration (per address, and
 * per account for login) against credential stuffing. Null turns a limit off.
 */
public record RateLimits(
        @Nullable RateLimitPolicy anonymous,
        @Nullable RateLimitPolicy user,
        @Nullable RateLimitPolicy loginPerAddress,
        @Nullable RateLimitPolicy loginPerAccount,
        @Nullable RateLimitPolicy registrationPerAddress) {

    public static RateLimits none() {
        return new RateLimits(null, null, null, null, null);
    }
}
