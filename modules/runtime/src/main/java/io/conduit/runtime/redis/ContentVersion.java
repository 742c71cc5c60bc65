package io.conduit.runtime.redis;

import io.conduit.platform.redis.KeyedCache;
import io.conduit.platform.redis.Redis;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Numbers in Redis that writes of public content move forward: one for all of it, and one per
 * scope (the lists, one article) for the writes that change only that part. Cached responses are
 * valid only for the numbers they were made under, so a write on any instance invalidates the
 * caches of all of them at once. The numbers themselves are kept in process while Redis says they
 * are unchanged ({@link KeyedCache}), so a cached response costs no round trip; without that
 * (tracking not proven live) every read asks Redis.
 */
public final class ContentVersion {
    private static final String PREFIX = "cache:";
    private static final String KEY = PREFIX + "content-version";
    private static final String SCOPE = PREFIX + "scope:";

    private final Redis redis;
    private final KeyedCache kept;

    public ContentVersion(Redis redis) {
        this.redis = redis;
        this.kept = redis.keyedCache(PREFIX);
    }

    /**
     * The version of all content. A Redis that lost the key (restarted without persistence) starts
     * again from a random number, never from a version some instance cached under before.
     */
    public long current() {
        return read(KEY);
    }

    /** The version of one scope of content, moved by the writes that change that part. */
    public long current(String scope) {
        return read(SCOPE + scope);
    }

    private long read(String key) {
        return kept.get(
                key,
                () -> redis.call(jedis -> {
                    String value = jedis.get(key);
                    if (value == null) {
                        jedis.setnx(
                                key, Long.toString(ThreadLocalRandom.current().nextLong(1L << 40)));
                        value = jedis.get(key);
                    }
                    return Long.parseLong(value);
                }));
    }

    /** Moves the version of all content; returns once this instance has dropped its kept copy. */
    public void bump() {
        kept.write(jedis -> jedis.incr(KEY));
    }

    /** Moves the versions of {@code scopes} in one round trip (then as {@link #bump()}). */
    public void bump(Collection<String> scopes) {
        if (scopes.isEmpty()) {
            return;
        }
        kept.write(jedis -> {
            var pipeline = jedis.pipelined();
            scopes.forEach(scope -> pipeline.incr(SCOPE + scope));
            pipeline.sync();
            return scopes.size();
        });
    }
}
