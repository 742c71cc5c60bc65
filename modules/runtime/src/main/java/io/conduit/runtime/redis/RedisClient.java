package io.conduit.runtime.redis;

import io.conduit.platform.RootCause;
import io.conduit.platform.Unavailable;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.platform.redis.Redis;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisCredentials;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared Redis pool. Every call borrows a connection for the length of one function; a Redis
 * that cannot be reached, is too slow, or is a read-only replica turns into {@link Unavailable}
 * (HTTP 503 with {@code Retry-After}), never a hang and never a 401.
 *
 * <p><b>Riding through a failover.</b> {@link #call} resends a command that failed because the
 * node it reached is not (or no longer) the primary, or because the connection failed, with a
 * short backoff (20 ms doubling to 200 ms) for at most {@value #RIDE_THROUGH_MILLIS} ms, and only
 * then answers 503. The budget is shared: once nothing has answered for that long (an outage, not
 * a switch), calls give up at their first failure, so a 503 still comes within a second. A planned
 * failover (the old primary holds writes until the replica has caught up, then refuses them with
 * {@code READONLY}; the endpoint follows the new primary a moment later) mostly costs latency, not
 * errors. After any such failure every connection opened until then is retired ({@link
 * FollowingJedisFactory}), borrowed ones included: they lead to the old primary or to a dead socket.
 *
 * <p><b>Why resending is safe.</b> A node that answers {@code READONLY}, {@code LOADING}, {@code
 * MASTERDOWN} or {@code EXECABORT} did not run the command (a script on a read-only replica fails at
 * its first write, before anything changed). A failed connect ran nothing. A connection that broke
 * after the command was written (reset, end of stream, read timeout) may have run it, so every
 * command sent through {@link #call} must have the same effect when it runs twice. Ours do: the
 * session store writes fixed values (HSET, PEXPIRE, ZADD of the same score) and deletes
 * (DEL, ZREM, the revoke script), the content version's read or SETNX is idempotent and one more
 * INCR of it only invalidates caches once more. The rate limiter's INCR script is not idempotent
 * (a resend would count a request twice), so it uses {@link #callOnce}: one try, and the limiter
 * fails open. So does the session touch, which may simply be skipped.
 *
 * <p><b>Circuit breaker.</b> Resilience4j in front of {@link #call}: once half of the last 20 calls
 * failed after their whole budget, calls fail at once for half a second instead of waiting, then one
 * trial call decides. Only those calls count: a failed {@link #callOnce} (a rate-limit hit that
 * failed open, a skipped touch) says little and must not stop the reads that still work.
 *
 * <p>What this replaced, measured on the local cluster (docs/cluster.md, drill c1): after {@code
 * FAILOVER} the rate-limit script of every request timed out (writes held) and then got {@code
 * READONLY}; those failures, although the limiter failed open, opened the breaker for 2 s, and
 * every signed-in request got 503 although the session reads still worked and the new primary was
 * reachable; the half-open trials then met connections to the old primary that {@code pool.clear()}
 * had missed (they were borrowed at the time), opening it again. Redis 6 wraps a script's {@code
 * READONLY} in {@code ERR Error running script}, which was not recognised at all (a 500).
 */
public final class RedisClient implements Redis, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisClient.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration READ_ONLY_RETRY_AFTER = Duration.ofSeconds(5);
    private static final long RIDE_THROUGH_MILLIS = 800;
    private static final long RIDE_THROUGH =
            Duration.ofMillis(RIDE_THROUGH_MILLIS).toNanos();
    private static final long FIRST_PAUSE = Duration.ofMillis(20).toNanos();
    private static final long LONGEST_PAUSE = Duration.ofMillis(200).toNanos();

    private final JedisPool pool;
    private final RedisRole role;
    private final Tracking tracking;
    private final FollowingJedisFactory connections;
    private final CircuitBreaker breaker;
    /** {@link System#nanoTime()} of the first failure since the last answer; 0 while Redis answers. */
    private final AtomicLong failingSince = new AtomicLong();
    /** What every new connection authenticates with; replaced by {@link #usePassword} after a rotation. */
    private final AtomicReference<RedisCredentials> credentials;

    public RedisClient(RedisSettings settings, MeterRegistry registry) {
        var breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                // Short: a call that fails has already waited its budget, and a longer wait
                // only adds to the time after recovery during which requests still get 503.
                .waitDurationInOpenState(Duration.ofMillis(500))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordExceptions(Unavailable.class)
                .ignoreExceptions(ReplicaRefused.class) // a replica refusing a write is not Redis failing
                .build());
        this.breaker = breakers.circuitBreaker("redis");
        breaker.getEventPublisher()
                .onStateTransition(event -> log.warn("redis circuit breaker: {}", event.getStateTransition()));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        this.credentials = new AtomicReference<>(new DefaultRedisCredentials(settings.user(), settings.password()));
        var clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.connectTimeout().toMillis())
                .socketTimeoutMillis((int) settings.socketTimeout().toMillis())
                .credentialsProvider(credentials::get)
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
        this.connections = new FollowingJedisFactory(new HostAndPort(settings.host(), settings.port()), clientConfig);
        this.pool = new JedisPool(poolConfig, connections);
        this.role = new RedisRole(new HostAndPort(settings.host(), settings.port()), clientConfig, registry);
        this.tracking = new Tracking(
                new HostAndPort(settings.host(), settings.port()), clientConfig, this, role::isReplica, registry);
    }

    /**
     * Values kept in process while the keys under {@code prefix} are unchanged, with Redis telling
     * every instance of each write ({@link Tracking}: client-side caching with broadcast tracking).
     */
    @Override
    public KeyedCache keyedCache(String prefix) {
        return tracking.cache(prefix);
    }

    /**
     * Authenticates every connection opened from now on with {@code password} (same user), after the
     * AUTH token was rotated. Open connections stay: Redis and ElastiCache keep a connection that
     * authenticated before the change; one that meets {@code NOAUTH} or {@code WRONGPASS} is retired.
     */
    public void usePassword(String password) {
        credentials.updateAndGet(old -> new DefaultRedisCredentials(old.getUser(), password));
    }

    /** Runs {@code command}, resending it through a failover (see above: it must be safe to repeat). */
    @Override
    public <T> T call(Function<Jedis, T> command) {
        try {
            return breaker.executeSupplier(() -> resendingThroughFailover(command));
        } catch (CallNotPermittedException e) {
            throw unavailable();
        } catch (ReplicaRefused e) {
            throw readOnly();
        }
    }

    /**
     * Runs {@code command} once, for callers that have a fallback when Redis does not answer: no
     * resend, and a failure does not count against the circuit breaker (it still fails at once while
     * the breaker is open).
     */
    @Override
    public <T> T callOnce(Function<Jedis, T> command) {
        var state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            throw unavailable();
        }
        try {
            return answered(once(command));
        } catch (Failure e) {
            failed();
            log.warn("redis is unavailable: {}", e.getMessage());
            throw unavailable();
        } catch (ReplicaRefused e) {
            throw readOnly();
        }
    }

    /** The state of the in-process cache's invalidation, for diagnostics (tests, logs). */
    public String trackingState() {
        return tracking.describe();
    }

    /** True when Redis answers PING; for readiness, never throws. */
    public boolean ping() {
        try {
            return "PONG".equals(call(Jedis::ping));
        } catch (Unavailable e) {
            return false;
        }
    }

    private <T> T resendingThroughFailover(Function<Jedis, T> command) {
        long start = System.nanoTime();
        long pause = FIRST_PAUSE;
        for (int tries = 1; ; tries++) {
            try {
                T result = answered(once(command));
                if (tries > 1) {
                    log.info("redis answered after {} tries in {} ms", tries, millisSince(start));
                }
                return result;
            } catch (Failure e) {
                long deadline = Math.min(start, failed()) + RIDE_THROUGH;
                long wait = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
                if (System.nanoTime() + wait >= deadline) {
                    log.warn("redis is unavailable: {} ({} tries in {} ms)", e.getMessage(), tries, millisSince(start));
                    throw unavailable();
                }
                sleep(wait);
                pause = Math.min(pause * 2, LONGEST_PAUSE);
            }
        }
    }

    private <T> T once(Function<Jedis, T> command) {
        Jedis jedis;
        try {
            jedis = pool.getResource();
        } catch (JedisConnectionException e) {
            throw retireAll(e); // cannot connect: the connections we hold are likely as dead
        } catch (JedisException e) {
            throw new Failure(RootCause.describe(e)); // no free connection within the borrow timeout
        }
        try {
            return command.apply(jedis);
        } catch (JedisConnectionException e) {
            throw retireAll(e); // Jedis marked this one broken; the pool drops it
        } catch (JedisDataException e) {
            if (FailoverErrors.readOnly(e) && role.isReplica()) {
                throw new ReplicaRefused(); // it stays a replica: no resend, no retired connections
            }
            if (FailoverErrors.matches(e) || FailoverErrors.credentialsRejected(e)) {
                jedis.getConnection().setBroken();
                throw retireAll(e);
            }
            throw e;
        } finally {
            closeQuietly(jedis);
        }
    }

    private Failure retireAll(JedisException e) {
        connections.retireAll();
        tracking.reset("the pool retired its connections: " + RootCause.describe(e));
        return new Failure(RootCause.describe(e));
    }

    private <T> T answered(T result) {
        if (failingSince.get() != 0) {
            failingSince.set(0);
        }
        return result;
    }

    /** Notes a failure; the time Redis has been failing since (this one's, if it is the first). */
    private long failed() {
        long now = System.nanoTime();
        failingSince.compareAndSet(0, now == 0 ? 1 : now);
        long since = failingSince.get();
        return since == 0 ? now : since;
    }

    /** Returning a broken connection can itself fail (the socket is gone): the caller's error matters more. */
    private static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisException e) {
            // the pool has already forgotten it
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** One try failed in a way that a resend may cure; the command did not run, or may run twice. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The endpoint is a replica that refused a write: not a failure of Redis (the breaker does not
     * count it, reads go on), answered with its own 503.
     */
    private static final class ReplicaRefused extends RuntimeException {
        ReplicaRefused() {
            super("READONLY from a replica", null, false, false);
        }
    }

    private static Unavailable unavailable() {
        return new Unavailable("redis", RETRY_AFTER);
    }

    private static Unavailable readOnly() {
        return new Unavailable(
                "redis",
                "is read-only for now (a replica, failover): writes are refused, reads work; retry later",
                READ_ONLY_RETRY_AFTER);
    }

    @Override
    public void close() {
        role.close();
        tracking.close();
        pool.close();
    }
}
