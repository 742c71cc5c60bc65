package io.conduit.platform.http;

import io.javalin.http.Handler;
import java.util.function.Supplier;

/**
 * The shared cache of public content as a module's routes use it, valid while no write that
 * anonymous readers could see has committed on any instance. {@link #anonymous} wraps a GET
 * handler whose answers to anonymous callers are the same for everyone; {@link #shared} keeps the
 * part of a response that is the same for every caller (signed in or not), onto which a route puts
 * the caller's own flags. The runtime implements it; invalidation is wired by the composition
 * root, after commits.
 */
public interface ContentCache {
    /** No caching: every request runs its handler, every shared value loads. */
    ContentCache NONE = new ContentCache() {
        @Override
        public Handler anonymous(Handler handler) {
            return handler;
        }

        @Override
        public <T> T shared(String key, Supplier<T> load) {
            return load.get();
        }
    };

    Handler anonymous(Handler handler);

    /**
     * The value for {@code key} as of the current content, loaded once per change of it. The value
     * must be immutable and the same for every caller; {@code key} names everything it depends on.
     */
    <T> T shared(String key, Supplier<T> load);
}
