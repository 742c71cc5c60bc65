package io.conduit.identity;

import io.conduit.platform.redis.RateLimitPolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The request limits identity puts on login and registration, on top of the server-wide ones: per
 * client address (loose: a whole office or carrier NAT shares one address), per account from any
 * address (distributed guessing) and per account and address (one attacker guessing one password).
 * Null turns a limit off.
 */
public record AccountLimits(
        @Nullable RateLimitPolicy loginPerAddress,
        @Nullable RateLimitPolicy loginPerAccount,
        @Nullable RateLimitPolicy loginPerAccountAndAddress,
        @Nullable RateLimitPolicy registrationPerAddress) {

    /** The limits that are on. */
    public List<RateLimitPolicy> policies() {
        return RateLimitPolicy.on(loginPerAddress, loginPerAccount, loginPerAccountAndAddress, registrationPerAddress);
    }
}
