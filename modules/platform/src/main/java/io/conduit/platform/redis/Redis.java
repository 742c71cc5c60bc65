package io.conduit.platform.redis;

import io.conduit.platform.RootCause;
import io.conduit.platform.Unavailable;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>A Resilience4j circuit breaker sits in front: once half of the last 20 calls failed to reach
 * Redis, calls fail at once for two seconds instead of each waiting for the connect timeout, then a
 * few trial calls decide whether it closes again. Resilience4j rather than a hand-written breaker:
 * its sliding window, half-open probing and metrics are exactly what is needed, well tested, and
 * small.
 *
 * <p>After a failover the pool still holds connections to the demoted primary, which answers
 * {@code PING} (so idle tests keep them) but refuses writes with {@code READONLY}. The first such
 * answer empties the pool, and the command is sent once more on a new connection, which follows
 * the primary endpoint to the new primary. Sending it again is safe: a node that answers {@code
 * READONLY}, {@code LOADING}, {@code MASTERDOWN} or {@code EXECABORT} did not run the command.
 */
public final class Redis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Redis.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final JedisPool pool;
    private final CircuitBreaker breaker;

    public Redis(RedisSettings settings, MeterRegistry registry) {
        var breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordExceptions(Unavailable.class)
                .build());
        this.breaker = breakers.circuitBreaker("redis");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
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
        try {
            return breaker.executeSupplier(() -> attempt(command));
        } catch (CallNotPermittedException e) {
            throw unavailable();
        }
    }

    private <T> T attempt(Function<Jedis, T> command) {
        try {
            return once(command);
        } catch (FailedOver e) {
            log.warn("redis node is not the primary ({}); reconnecting every pooled connection", e.getMessage());
            pool.clear();
            try {
                return once(command);
            } catch (FailedOver again) {
                throw unavailable();
            }
        }
    }

    private <T> T once(Function<Jedis, T> command) {
        Jedis jedis;
        try {
            jedis = pool.getResource();
        } catch (JedisException e) {
            // cannot connect, or no free connection within the borrow timeout
            log.warn("redis is unavailable: {}", RootCause.describe(e));
            throw unavailable();
        }
        try {
            return command.apply(jedis);
        } catch (JedisConnectionException e) {
            log.warn("redis is unavailable: {}", RootCause.describe(e));
            throw unavailable(); // Jedis marks the connection broken; the pool drops it
        } catch (JedisDataException e) {
            if (isFailoverError(e)) {
                // This connection reached a node that is no longer the primary: drop it.
                jedis.getConnection().setBroken();
                throw new FailedOver(e.getMessage());
            }
            throw e;
        } finally {
            closeQuietly(jedis);
        }
    }

    /** Returning a broken connection can itself fail (the socket is gone): the caller's error matters more. */
    private static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisException e) {
            // the pool has already forgotten it
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
     * {@code READONLY} (we reached a replica, the primary endpoint moved), {@code LOADING} and
     * {@code MASTERDOWN} are what a failover looks like from the client: retryable, not a bug. So is
     * {@code EXECABORT} here: our transactions queue fixed commands, so the queued error that aborts
     * one is a {@code READONLY}.
     */
    private static boolean isFailoverError(JedisDataException e) {
        String message = e.getMessage();
        return message != null
                && (message.startsWith("READONLY")
                        || message.startsWith("LOADING")
                        || message.startsWith("MASTERDOWN")
                        || message.startsWith("EXECABORT"));
    }

    /** A node answered that it is not (or not yet) the primary; the command did not run. */
    private static final class FailedOver extends RuntimeException {
        FailedOver(String message) {
            super(message, null, false, false);
        }
    }

    private static Unavailable unavailable() {
        return new Unavailable("redis", RETRY_AFTER);
    }

    @Override
    public void close() {
        pool.close();
    }
}
