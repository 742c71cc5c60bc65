package io.conduit.platform.http;

import io.javalin.http.Handler;
import java.util.List;
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
        public Handler anonymous(Handler handler, List<String> scopes) {
            return handler;
        }

        @Override
        public <T> T shared(String key, List<String> scopes, Supplier<T> load) {
            return load.get();
        }
    };

    /**
     * Wraps a GET handler whose answer to anonymous callers depends on {@code scopes} of the
     * content (and on any change of all of it).
     */
    Handler anonymous(Handler handler, List<String> scopes);

    /**
     * The value for {@code key}, loaded once per change of {@code scopes} (or of all content). The
     * value must be immutable and the same for every caller; {@code key} names everything it
     * depends on. A module names its scopes and has the composition root move them after the
     * commits that change them (from its events).
     */
    <T> T shared(String key, List<String> scopes, Supplier<T> load);
}
