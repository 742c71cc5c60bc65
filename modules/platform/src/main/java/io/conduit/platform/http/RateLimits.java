package io.conduit.platform.http;

import io.conduit.platform.redis.RateLimitPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The request limits, per IETF httpapi ratelimit-headers: anonymous requests per client address,
 * signed-in requests per user, and on login and registration per address (loose: a whole office or
 * carrier NAT shares one address), per account from any address (distributed guessing) and per
 * account and address (one attacker guessing one password). Null turns a limit off.
 */
public record RateLimits(
        @Nullable RateLimitPolicy anonymous,
        @Nullable RateLimitPolicy user,
        @Nullable RateLimitPolicy loginPerAddress,
        @Nullable RateLimitPolicy loginPerAccount,
        @Nullable RateLimitPolicy loginPerAccountAndAddress,
        @Nullable RateLimitPolicy registrationPerAddress) {

    public static RateLimits none() {
        return new RateLimits(null, null, null, null, null, null);
    }

    /** Each limit that is on, as {@code name limit/window}, for the start-up line. */
    public String describe() {
        var parts = new java.util.ArrayList<String>();
        for (RateLimitPolicy p : java.util.Arrays.asList(
                anonymous, user, loginPerAddress, loginPerAccount, loginPerAccountAndAddress, registrationPerAddress)) {
            if (p != null) {
                parts.add(p.name() + " " + p.limit() + "/" + p.window().toSeconds() + "s");
            }
        }
        return parts.isEmpty() ? "off" : String.join(", ", parts);
    }
}
