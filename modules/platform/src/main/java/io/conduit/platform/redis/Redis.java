package io.conduit.platform.redis;

import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.Jedis;

/**
 * Redis as a module sees it: a command runs on a pooled connection for the length of one function.
 * A Redis that cannot be reached, is too slow or is a read-only replica turns into {@link
 * io.conduit.platform.Unavailable} (HTTP 503 with {@code Retry-After}). The runtime's client
 * implements it (pool, circuit breaker, riding through a failover); {@code app} hands it to modules.
 */
public interface Redis {
    /** Runs {@code command}, resending it through a failover: it must be safe to run twice. */
    <T> T call(Function<Jedis, T> command);

    default void run(Consumer<Jedis> command) {
        call(jedis -> {
            command.accept(jedis);
            return null;
        });
    }

    /** Runs {@code command} once, for callers with a fallback when Redis does not answer. */
    <T> T callOnce(Function<Jedis, T> command);

    /**
     * A cache of values kept in this process while Redis keys starting with {@code prefix} are
     * unchanged (see {@link KeyedCache}). Call it once per prefix, when the module is built; prefixes
     * must not overlap (one must not start with another). Without server-assisted invalidation the
     * cache keeps nothing.
     */
    default KeyedCache keyedCache(String prefix) {
        return KeyedCache.none(this);
    }

    default void runOnce(Consumer<Jedis> command) {
        callOnce(jedis -> {
            command.accept(jedis);
            return null;
        });
    }
}
