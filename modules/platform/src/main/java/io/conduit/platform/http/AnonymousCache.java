package io.conduit.platform.http;

import io.javalin.http.Handler;

/**
 * The shared response cache as a module's routes use it: {@link #anonymous} wraps a GET handler
 * whose answers to anonymous callers are the same for everyone and may be served from the cache.
 * The runtime implements it; invalidation is wired by the composition root, after commits.
 */
@FunctionalInterface
public interface AnonymousCache {
    /** No caching: every request runs its handler. */
    AnonymousCache NONE = handler -> handler;

    Handler anonymous(Handler handler);
}
