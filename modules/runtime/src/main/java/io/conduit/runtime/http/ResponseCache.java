package io.conduit.runtime.http;

import io.conduit.platform.Unavailable;
import io.conduit.platform.http.AnonymousCache;
import io.conduit.platform.http.Requests;
import io.conduit.runtime.redis.ContentVersion;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process cache of anonymous GET responses (tags, single articles, article lists), valid
 * across instances through the shared {@link ContentVersion}: {@link #invalidate()} runs after each
 * committed write that anonymous readers could see, every cached read first asks Redis for the current version (one
 * GET, far cheaper than the SQL it saves). Read before the data and bumped after the commit, the
 * version never lets a response older than a committed write be served: a caller sees its own write
 * on any instance. Signed-in callers are never served from it (their responses are personal).
 * Without Redis the cache is bypassed.
 */
public final class ResponseCache implements AnonymousCache {
    private static final int MAX_ENTRIES = 2_000;

    private final ContentVersion version;
    private final boolean enabled;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;

    /** With {@code enabled} false, handlers run uncached (for comparison in benchmarks). */
    public ResponseCache(ContentVersion version, boolean enabled, MeterRegistry registry) {
        this.version = version;
        this.enabled = enabled;
        this.hits = Counter.builder("response.cache").tag("result", "hit").register(registry);
        this.misses = Counter.builder("response.cache").tag("result", "miss").register(registry);
    }

    /** Wraps a GET handler: anonymous callers get the cached response while the content is unchanged. */
    @Override
    public Handler anonymous(Handler handler) {
        if (!enabled) {
            return handler;
        }
        return ctx -> {
            if (Requests.optionalCaller(ctx).isPresent()) {
                handler.handle(ctx);
                return;
            }
            long current;
            try {
                current = version.current();
            } catch (Unavailable e) {
                handler.handle(ctx);
                return;
            }
            String key = ctx.path() + "?" + (ctx.queryString() == null ? "" : ctx.queryString());
            Entry entry = entries.get(key);
            if (entry != null && entry.version() == current) {
                hits.increment();
                ctx.header("X-Cache", "hit");
                ctx.contentType(entry.contentType()).result(entry.body());
                return;
            }
            misses.increment();
            handler.handle(ctx);
            String body = ctx.result();
            String contentType = ctx.res().getContentType();
            if (ctx.statusCode() == 200 && body != null && contentType != null) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(key, new Entry(current, contentType, body.getBytes(StandardCharsets.UTF_8)));
            }
        };
    }

    /**
     * Moves the version, once a write that anonymous readers could see is committed: the composition
     * root calls it from an after-commit listener of the domain events that announce such writes. A
     * bump before the commit (a keyed request commits only when its response is ready) would let
     * another instance cache the old data under the new version.
     */
    public void invalidate() {
        try {
            version.bump();
        } catch (Unavailable e) {
            entries.clear(); // at least this instance stops serving it; others' entries are bypassed without Redis
        }
    }

    private record Entry(long version, String contentType, byte[] body) {}
}
