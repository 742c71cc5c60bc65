package io.conduit.platform.redis;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;

/**
 * Values kept in this process for as long as a Redis key under one prefix is unchanged: Redis tells
 * every instance when such a key is written (client-side caching with tracking, broadcast mode), and
 * the instance drops what it kept for it. A value may come from Redis itself (a session) or stand
 * for data elsewhere (a user's favorites in PostgreSQL, keyed by a Redis key that the writer {@link
 * #touch}es once its change is committed: {@code AfterCommit.run(handle, () -> kept.touch(key))}).
 *
 * <p>While the instance cannot be sure to hear of changes (the invalidation connection is being set
 * up, Redis is unreachable, a failover is under way), nothing is kept and every {@link #get} loads:
 * the cache saves round trips, it never decides what is true. Get one from {@link Redis#keyedCache}.
 */
public interface KeyedCache {
    /**
     * The value for {@code key}: the one kept in memory if the key has not changed since it was
     * loaded, else {@code load}'s (kept unless the key changed while it ran). The value must be
     * immutable and must depend on nothing that can change without a write of {@code key}.
     */
    <T> T get(String key, Supplier<T> load);

    /**
     * As {@link #get} for each of {@code keys}, those not kept loaded together by one call of
     * {@code load} (which returns a value for each key it is given; one it leaves out is not kept).
     */
    default <T> Map<String, T> getAll(List<String> keys, Function<List<String>, Map<String, T>> load) {
        return load.apply(keys);
    }

    /**
     * Whether values are kept now (invalidation proven). While not, every {@link #get} loads, so a
     * caller with many keys to read may rather load them in one batch.
     */
    default boolean keeps() {
        return false;
    }

    /**
     * Runs a write of keys under this prefix and returns once this instance has dropped what it kept
     * for them, so its next request sees the change; the other instances drop theirs as Redis's
     * message reaches them (well under a millisecond on a healthy network). Safe to repeat as {@link
     * Redis#call} requires.
     */
    <T> T write(Function<Jedis, T> command);

    /**
     * Marks {@code keys} changed, in one round trip: every instance drops what it kept for them
     * (see {@link #write}). Meant to run after a commit, so it does not fail its caller when Redis
     * does not take it: the runtime's implementation then drops everything this instance kept.
     */
    default void touch(String... keys) {
        write(jedis -> {
            var pipeline = jedis.pipelined();
            for (String key : keys) {
                pipeline.incr(key);
            }
            pipeline.sync();
            return keys.length;
        });
    }

    /**
     * Keeps nothing and stands for no Redis: every get loads, a touch has nothing to drop, a write
     * is refused. For module tests whose module writes no Redis key of its own.
     */
    KeyedCache NONE = new KeyedCache() {
        @Override
        public <T> T get(String key, Supplier<T> load) {
            return load.get();
        }

        @Override
        public <T> T write(Function<Jedis, T> command) {
            throw new UnsupportedOperationException("no Redis behind this cache");
        }

        @Override
        public void touch(String... keys) {}
    };

    /** Keeps nothing: every get loads, writes just run on {@code redis}. */
    static KeyedCache none(Redis redis) {
        return new KeyedCache() {
            @Override
            public <T> T get(String key, Supplier<T> load) {
                return load.get();
            }

            @Override
            public <T> T write(Function<Jedis, T> command) {
                return redis.call(command);
            }
        };
    }
}
