package io.conduit.platform.redis;

import io.conduit.platform.Unavailable;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared Redis pool. Every call borrows a connection for the length of one function; a Redis
 * that cannot be reached, is too slow, or is a read-only replica after a failover turns into
 * {@link Unavailable} (HTTP 503 with {@code Retry-After}), never a hang and never a 401.
 */
public final class Redis implements AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final JedisPool pool;

    public Redis(RedisSettings settings) {
        var clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.connectTimeout().toMillis())
                .socketTimeoutMillis((int) settings.socketTimeout().toMillis())
                .user(settings.user())
                .password(settings.password())
                .ssl(settings.tls())
                .clientName("conduit")
                .build();
        var poolConfig = new GenericObjectPoolConfig<Jedis>();
        poolConfig.setMaxTotal(settings.poolSize());
        poolConfig.setMaxIdle(settings.poolSize());
        poolConfig.setMinIdle(Math.min(2, settings.poolSize()));
        poolConfig.setMaxWait(settings.borrowTimeout());
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setTestWhileIdle(true);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofSeconds(10));
        poolConfig.setJmxEnabled(true);
        poolConfig.setJmxNamePrefix("jedis");
        this.pool = new JedisPool(poolConfig, new HostAndPort(settings.host(), settings.port()), clientConfig);
    }

    /** Runs {@code command} on a pooled connection and returns its result. */
    public <T> T call(Function<Jedis, T> command) {
        try (Jedis jedis = pool.getResource()) {
            return command.apply(jedis);
        } catch (JedisConnectionException e) {
            throw unavailable();
        } catch (JedisDataException e) {
            if (isFailoverError(e)) {
                throw unavailable();
            }
            throw e;
        } catch (JedisException e) {
            if (e.getCause() instanceof java.util.NoSuchElementException) {
                throw unavailable(); // the pool had no free connection within the borrow timeout
            }
            throw e;
        }
    }

    public void run(Consumer<Jedis> command) {
        call(jedis -> {
            command.accept(jedis);
            return null;
        });
    }

    /** True when Redis answers PING; for readiness, never throws. */
    public boolean ping() {
        try {
            return "PONG".equals(call(Jedis::ping));
        } catch (Unavailable e) {
            return false;
        }
    }

    /**
     * {@code READONLY} (we reached a replica, the primary endpoint moved) and {@code LOADING} are
     * what a failover looks like from the client: retryable, not a bug.
     */
    private static boolean isFailoverError(JedisDataException e) {
        String message = e.getMessage();
        return message != null && (message.startsWith("READONLY") || message.startsWith("LOADING")
                || message.startsWith("MASTERDOWN"));
    }

    private static Unavailable unavailable() {
        return new Unavailable("redis", RETRY_AFTER);
    }

    @Override
    public void close() {
        pool.close();
    }
}
