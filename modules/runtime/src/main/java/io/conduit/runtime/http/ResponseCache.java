package io.conduit.runtime.http;

import io.conduit.platform.RootCause;
import io.conduit.platform.Unavailable;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.runtime.redis.ContentVersion;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An in-process cache of anonymous GET responses (tags, comments) and of the shared part of
 * responses that every caller gets (article lists and articles, see {@link #shared}), valid
 * across instances through the shared {@link ContentVersion}: {@link #invalidate()} runs after each
 * committed write that anonymous readers could see, every cached read first asks Redis for the current version (one
 * GET, far cheaper than the SQL it saves). Read before the data and bumped after the commit, the
 * version never lets a response older than a committed write be served: a caller sees its own write
 * on any instance. Signed-in callers are never served a whole cached response (theirs are
 * personal); their routes take the shared part and add the caller's flags. The version itself is
 * kept in process while Redis says it is unchanged ({@link ContentVersion}), so a hit costs no
 * round trip. Without Redis the cache is bypassed.
 */
public final class ResponseCache implements ContentCache {
    /**
     * Enough for a site's working set (every list page and filter in use, the articles and comments
     * read, the feeds of the users online: the mixed benchmark's 1,000 users and 1,000 articles
     * need about 4,000); past it a tenth of the entries, picked by hash, not by age, make room.
     */
    private static final int MAX_ENTRIES = 20_000;

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
    public Handler anonymous(Handler handler, List<String> scopes) {
        if (!enabled) {
            return handler;
        }
        return ctx -> {
            if (Requests.optionalCaller(ctx).isPresent()) {
                handler.handle(ctx);
                return;
            }
            long[] current;
            try {
                current = versions(scopes);
            } catch (Unavailable e) {
                handler.handle(ctx);
                return;
            }
            String key = "response:" + ctx.path() + "?" + (ctx.queryString() == null ? "" : ctx.queryString());
            if (entries.get(key) instanceof Entry entry
                    && Arrays.equals(entry.versions(), current)
                    && entry.value() instanceof Response response) {
                hits.increment();
                ctx.header("X-Cache", "hit");
                Responses.kept(ctx, response.contentType(), response.body(), response.tag());
                return;
            }
            misses.increment();
            handler.handle(ctx);
            byte[] bytes = Responses.sent(ctx);
            String tag = Responses.tag(ctx);
            String contentType = ctx.res().getContentType();
            if (ctx.statusCode() == 200 && bytes != null && tag != null && contentType != null) {
                keep(key, current, new Response(contentType, bytes, tag));
            }
        };
    }

    /**
     * Loads the value for {@code key} once per content version. Without Redis (the version unknown)
     * it loads every time, as the anonymous path does.
     */
    @Override
    public <T> T shared(String key, List<String> scopes, Supplier<T> load) {
        if (!enabled) {
            return load.get();
        }
        long[] current;
        try {
            current = versions(scopes);
        } catch (Unavailable e) {
            return load.get();
        }
        String entryKey = "shared:" + key;
        makeRoom();
        var loading = new CompletableFuture<Object>();
        Entry found = entries.compute(
                entryKey,
                (k, old) -> old != null && Arrays.equals(old.versions(), current) ? old : new Entry(current, loading));
        if (found.value() != loading) {
            hits.increment();
            return awaited(found.value());
        }
        misses.increment();
        try {
            T value = load.get();
            loading.complete(value);
            entries.replace(entryKey, found, new Entry(current, value));
            return value;
        } catch (RuntimeException | Error e) {
            loading.completeExceptionally(e);
            entries.remove(entryKey, found);
            throw e;
        }
    }

    /**
     * A kept value, or the one another request is loading for the same version (single flight:
     * after a change, the requests that arrive together load once, not once each).
     */
    @SuppressWarnings("unchecked")
    private static <T> T awaited(Object value) {
        if (!(value instanceof CompletableFuture<?> pending)) {
            return (T) value;
        }
        return (T) RootCause.join(pending);
    }

    /** The version of all content, then of each scope. */
    private long[] versions(List<String> scopes) {
        long[] versions = new long[1 + scopes.size()];
        versions[0] = version.current();
        for (int i = 0; i < scopes.size(); i++) {
            versions[i + 1] = version.current(scopes.get(i));
        }
        return versions;
    }

    /**
     * Drops a tenth of the entries when full (a request waiting on a load keeps its own reference
     * to it). Dropping everything, as before, emptied the cache every few seconds under a working
     * set larger than it, and every read of the next moment loaded.
     */
    private void makeRoom() {
        if (entries.size() < MAX_ENTRIES) {
            return;
        }
        int drop = MAX_ENTRIES / 10;
        var keys = entries.keySet().iterator();
        while (drop-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    private void keep(String key, long[] version, Object value) {
        makeRoom();
        entries.put(key, new Entry(version, value));
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

    /** Moves the versions of {@code scopes}, once a write that changed them is committed (as {@link #invalidate()}). */
    public void changed(List<String> scopes) {
        try {
            version.bump(scopes);
        } catch (Unavailable e) {
            entries.clear();
        }
    }

    private record Entry(long[] versions, Object value) {}

    private record Response(String contentType, byte[] body, String tag) {}
}
