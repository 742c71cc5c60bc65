package io.conduit.runtime.redis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Whether the configured Redis endpoint is a replica: {@code ROLE} every {@link #INTERVAL} on a
 * connection opened for the question (so it asks the node the endpoint names now, not the one an
 * old pooled connection leads to). A replica that stays one — a standby region's, an ElastiCache
 * Global Datastore secondary before its promotion — refuses writes with {@code READONLY} for as
 * long as it is one: once {@link #STEADY_PROBES} probes in a row found a replica, those are
 * answered at once with a 503 instead of being resent as through a failover, and no connection is
 * retired for them. A failover's moment of a demoted primary behind the endpoint is shorter, so
 * its writes are still resent until the endpoint names the new primary. A probe that fails
 * changes nothing.
 */
final class RedisRole implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Consecutive answers "replica" before writes are refused instead of resent (about 2 s). */
    static final int STEADY_PROBES = 3;

    private static final Logger log = LoggerFactory.getLogger(RedisRole.class);

    private final HostAndPort endpoint;
    private final JedisClientConfig config;
    private final ScheduledExecutorService probes;
    private volatile boolean replica;
    private int replicaAnswers; // consecutive probes that found a replica (the probe thread's own)

    RedisRole(HostAndPort endpoint, JedisClientConfig config, MeterRegistry registry) {
        this.endpoint = endpoint;
        this.config = config;
        this.probes = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("redis-role").unstarted(task));
        Gauge.builder("redis.replica", this, role -> role.replica ? 1 : 0)
                .description("1 while the Redis endpoint is a replica: writes to it get 503, reads go on")
                .register(registry);
        probes.scheduleWithFixedDelay(this::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while the endpoint is a replica, as the last probe that got an answer found it. */
    boolean isReplica() {
        return replica;
    }

    private void probe() {
        boolean answer;
        try (var jedis = new Jedis(endpoint, config)) {
            answer = isReplica(jedis.role());
        } catch (RuntimeException e) { // JedisException included: unreachable now, the role is as it was
            return;
        }
        // A replica only once it has stayed one for a few probes: during a failover the endpoint can
        // name the demoted primary for a moment, and those writes are to be resent, not refused.
        replicaAnswers = answer ? replicaAnswers + 1 : 0;
        boolean now = replicaAnswers >= STEADY_PROBES;
        if (now != replica) {
            replica = now;
            if (now) {
                log.warn("Redis at {} is a replica: writes to it get 503, reads go on", endpoint);
            } else {
                log.info("Redis at {} takes writes again", endpoint);
            }
        }
    }

    /** ROLE's first element: {@code master}, {@code slave} (a replica) or {@code sentinel}. */
    static boolean isReplica(List<Object> role) {
        if (role.isEmpty()) {
            return false;
        }
        Object first = role.getFirst();
        String name = first instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(first);
        return name.equals("slave") || name.equals("replica");
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
