package io.conduit.runtime.http;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP server's settings.
 *
 * @param port the API port (0 picks a free one)
 * @param corsOrigins allowed browser origins; {@code *} allows any
 * @param maxRequestBytes largest request body accepted
 * @param idleTimeout how long an idle keep-alive connection stays open
 * @param stopTimeout how long in-flight requests may take to finish once the server stops
 * @param trustedProxyHops how many proxies in front (the ALB is one) may set {@code X-Forwarded-For}
 * @param rateLimits the request limits, kept in Redis
 */
public record HttpSettings(
        int port,
        List<String> corsOrigins,
        long maxRequestBytes,
        Duration idleTimeout,
        Duration stopTimeout,
        int trustedProxyHops,
        RateLimits rateLimits) {
    public HttpSettings {
        corsOrigins = List.copyOf(corsOrigins);
    }
}
