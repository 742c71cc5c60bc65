package io.conduit.platform.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * First responses to requests with an {@code Idempotency-Key}, kept in Redis so that every instance
 * sees them. A record is claimed atomically (one script: create if absent) before the request runs,
 * then completed with the response, or released when the attempt failed in a way worth retrying.
 */
public final class IdempotencyStore {
    private static final String PREFIX = "idempotency:";
    private static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('HSET', KEYS[1], 'state', 'running', 'fingerprint', ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {}
            end
            return redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'status', 'contentType', 'body')
            """;

    private final Redis redis;
    private final Duration lease;
    private final Duration retention;

    /**
     * @param lease how long a claim lives while its request runs (an instance that dies frees it then)
     * @param retention how long a completed response is kept for replays
     */
    public IdempotencyStore(Redis redis, Duration lease, Duration retention) {
        this.redis = redis;
        this.lease = lease;
        this.retention = retention;
    }

    /** Claims {@code key}; empty when this request is the first, else what the first one left. */
    public Optional<Stored> claim(String key, String fingerprint) {
        List<?> found = redis.call(jedis -> (List<?>)
                jedis.eval(CLAIM, List.of(PREFIX + key), List.of(fingerprint, Long.toString(lease.toMillis()))));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Stored(
                "done".equals(found.get(0)),
                String.valueOf(found.get(1)),
                parse((String) found.get(2)),
                (String) found.get(3),
                (String) found.get(4)));
    }

    /** Keeps the first response for {@link #claim} to replay. */
    public void complete(String key, int status, String contentType, String body) {
        redis.run(jedis -> {
            var tx = jedis.multi();
            tx.hset(
                    PREFIX + key,
                    Map.of(
                            "state",
                            "done",
                            "status",
                            Integer.toString(status),
                            "contentType",
                            contentType,
                            "body",
                            body));
            tx.pexpire(PREFIX + key, retention.toMillis());
            tx.exec();
        });
    }

    /** Forgets a claim whose request failed transiently, so a retry runs it again. */
    public void release(String key) {
        redis.run(jedis -> jedis.del(PREFIX + key));
    }

    private static int parse(@Nullable String status) {
        return status == null ? 0 : Integer.parseInt(status);
    }

    /**
     * What a key holds.
     *
     * @param done whether the first request finished (else it still runs)
     * @param fingerprint digest of the first request's method, path and body
     */
    public record Stored(
            boolean done,
            String fingerprint,
            int status,
            @Nullable String contentType,
            @Nullable String body) {}
}
