package io.conduit.runtime.redis;

import io.conduit.platform.redis.Redis;

/**
 * One number in Redis that every write of public content moves forward; cached responses are
 * valid only for the number they were made under, so a write on any instance invalidates the
 * caches of all of them at once.
 */
public final class ContentVersion {
    private static final String KEY = "cache:content-version";

    private final Redis redis;

    public ContentVersion(Redis redis) {
        this.redis = redis;
    }

    /**
     * The current version. A Redis that lost the key (restarted without persistence) starts again
     * from a random number, never from a version some instance cached under before.
     */
    public long current() {
        return redis.call(jedis -> {
            String value = jedis.get(KEY);
            if (value == null) {
                jedis.setnx(
                        KEY,
                        Long.toString(
                                java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40)));
                value = jedis.get(KEY);
            }
            return Long.parseLong(value);
        });
    }

    public void bump() {
        redis.run(jedis -> jedis.incr(KEY));
    }
}
