package io.conduit.identity;

import java.time.Duration;

/**
 * Session, password-hashing and request-limit settings.
 *
 * @param sessionIdleTimeout a session unused for this long ends (sliding)
 * @param sessionAbsoluteLifetime a session ends this long after login, however much it is used
 * @param passwordHashConcurrency how many Argon2id hashes run at once (each takes 7 MiB)
 * @param limits the limits on login and registration requests
 */
public record IdentitySettings(
        Duration sessionIdleTimeout,
        Duration sessionAbsoluteLifetime,
        int passwordHashConcurrency,
        AccountLimits limits) {
    public IdentitySettings {
        if (sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
            throw new IllegalArgumentException("the session idle timeout must be positive");
        }
        if (sessionAbsoluteLifetime.compareTo(sessionIdleTimeout) < 0) {
            throw new IllegalArgumentException(
                    "the absolute session lifetime must not be shorter than the idle timeout");
        }
        if (passwordHashConcurrency < 1) {
            throw new IllegalArgumentException("password hash concurrency must be at least 1");
        }
    }
}
