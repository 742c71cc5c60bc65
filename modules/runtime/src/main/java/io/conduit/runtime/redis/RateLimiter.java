package io.conduit.runtime.redis;

import io.conduit.platform.Unavailable;
import io.conduit.platform.redis.RateLimitPolicy;
import io.conduit.platform.redis.Redis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Fixed-window counters in Redis, shared by every instance: one atomic script increments the
 * window's counter and starts its expiry on the first hit. When Redis cannot answer, the limiter
 * fails open (the request goes through) and counts that in {@code ratelimit.failopen}.
 */
public final class RateLimiter {
    private static final String HIT = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}
            """;

    private final Redis redis;
    private final Counter failOpen;

    public RateLimiter(Redis redis, MeterRegistry registry) {
        this.redis = redis;
        this.failOpen = Counter.builder("ratelimit.failopen")
                .description("Requests let through unlimited because Redis did not answer")
                .register(registry);
    }

    /** Counts one request of {@code subject} against {@code policy}; the verdict says whether it may pass. */
    public Verdict hit(RateLimitPolicy policy, String subject) {
        String key = "ratelimit:" + policy.name() + ":" + subject;
        try {
            // Once, never resent: the script's INCR would count a resent request twice.
            List<?> result = redis.callOnce(jedis -> (List<?>) jedis.eval(
                    HIT, List.of(key), List.of(Long.toString(policy.window().toMillis()))));
            long count = (Long) result.get(0);
            long ttlMillis = (Long) result.get(1);
            return new Verdict(
                    policy,
                    count <= policy.limit(),
                    Math.max(0, policy.limit() - count),
                    Math.max(1, (ttlMillis + 999) / 1000));
        } catch (Unavailable e) {
            failOpen.increment();
            return new Verdict(policy, true, policy.limit(), policy.window().toSeconds());
        }
    }

    /**
     * The outcome of one hit.
     *
     * @param allowed whether the request is within the limit
     * @param remaining requests left in the window
     * @param resetSeconds seconds until the window ends
     */
    public record Verdict(RateLimitPolicy policy, boolean allowed, long remaining, long resetSeconds) {}
}
