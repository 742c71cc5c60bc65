package io.conduit.testing;

import io.conduit.platform.redis.Redis;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.embedded.RedisServer;

/**
 * A Redis for one test class behind the kernel's {@link Redis} port, as a module takes it: an
 * emptied logical database of the JVM's one embedded Redis, reached through a plain pool (no
 * breaker, no failover). Register it on a static field, as {@link ModuleDatabase}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ModuleRedis redis = new ModuleRedis();
 * }</pre>
 */
public final class ModuleRedis implements BeforeAllCallback, AfterAllCallback {
    /** Redis's default number of logical databases; a JVM with more test classes reuses them. */
    private static final int DATABASES = 16;

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static int port;

    private @Nullable JedisPool pool;

    @Override
    public void beforeAll(ExtensionContext context) {
        var config = DefaultJedisClientConfig.builder()
                .database(NEXT.getAndIncrement() % DATABASES)
                .build();
        pool = new JedisPool(new HostAndPort("127.0.0.1", server()), config);
        try (Jedis jedis = pool.getResource()) {
            jedis.flushDB();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (pool != null) {
            pool.close();
        }
    }

    /** The port over this class's database: {@code call} and {@code callOnce} run the command once. */
    public Redis redis() {
        if (pool == null) {
            throw new IllegalStateException("register ModuleRedis on a static field with @RegisterExtension");
        }
        return new Pooled(pool);
    }

    private record Pooled(JedisPool pool) implements Redis {
        @Override
        public <T> T call(Function<Jedis, T> command) {
            try (Jedis jedis = pool.getResource()) {
                return command.apply(jedis);
            }
        }

        @Override
        public <T> T callOnce(Function<Jedis, T> command) {
            return call(command);
        }
    }

    private static synchronized int server() {
        if (port == 0) {
            int free = EmbeddedServers.freePort();
            EmbeddedServers.startForTheJvm(
                    "Redis",
                    () -> {
                        RedisServer redis = RedisServer.newRedisServer()
                                .port(free)
                                .setting("bind 127.0.0.1")
                                .setting("save \"\"")
                                .setting("appendonly no")
                                .build();
                        redis.start();
                        return redis;
                    },
                    RedisServer::stop);
            port = free;
        }
        return port;
    }
}
