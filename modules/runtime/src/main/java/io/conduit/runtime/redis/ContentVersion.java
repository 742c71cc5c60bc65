package io.conduit.runtime.redis;

import io.conduit.platform.redis.KeyedCache;
import io.conduit.platform.redis.Redis;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One number in Redis that every write of public content moves forward; cached responses are
 * valid only for the number they were made under, so a write on any instance invalidates the
 * caches of all of them at once. The number itself is kept in process while Redis says it is
 * unchanged ({@link KeyedCache}), so a cached response costs no round trip; without that
 * (tracking not proven live) every read asks Redis, as before.
 */
public final class ContentVersion {
    private static final String KEY = "cache:content-version";

    private final Redis redis;
    private final KeyedCache kept;

    public ContentVersion(Redis redis) {
        this.redis = redis;
        this.kept = redis.keyedCache(KEY);
    }

    /**
     * The current version. A Redis that lost the key (restarted without persistence) starts again
     * from a random number, never from a version some instance cached under before.
     */
    public long current() {
        return kept.get(
                KEY,
                () -> redis.call(jedis -> {
                    String value = jedis.get(KEY);
                    if (value == null) {
                        jedis.setnx(
                                KEY, Long.toString(ThreadLocalRandom.current().nextLong(1L << 40)));
                        value = jedis.get(KEY);
                    }
                    return Long.parseLong(value);
                }));
    }

    /** Moves the version; returns once this instance has dropped its kept copy. */
    public void bump() {
        kept.write(jedis -> jedis.incr(KEY));
    }
}
