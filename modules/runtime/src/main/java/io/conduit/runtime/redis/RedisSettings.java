package io.conduit.runtime.redis;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where Redis is and how long to wait for it.
 *
 * @param host server host
 * @param port server port
 * @param tls whether to speak TLS ({@code rediss://}, ElastiCache in-transit encryption)
 * @param user ACL user, or null for the default user
 * @param password AUTH password, or null
 * @param poolSize most connections open at once
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout how long one command may take
 * @param borrowTimeout how long a request waits for a free connection
 */
public record RedisSettings(
        String host,
        int port,
        boolean tls,
        @Nullable String user,
        @Nullable String password,
        int poolSize,
        Duration connectTimeout,
        Duration socketTimeout,
        Duration borrowTimeout) {

    @Override
    public String toString() {
        return "RedisSettings[" + (tls ? "rediss://" : "redis://") + host + ":" + port + ", poolSize=" + poolSize
                + ", password=" + (password == null ? "none" : "<redacted>") + "]";
    }
}
