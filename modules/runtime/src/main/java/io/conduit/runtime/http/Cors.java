package io.conduit.runtime.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Set;

/**
 * CORS for browser clients. Allowed headers are named one by one: by the Fetch standard a {@code *}
 * does not cover {@code Authorization}. Preflights are answered here, before routing.
 */
final class Cors {
    private static final String ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
    private static final String ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    private static final String EXPOSE_HEADERS = "X-Request-Id, Retry-After, ETag, RateLimit, RateLimit-Policy";

    private final boolean anyOrigin;
    private final Set<String> origins;

    Cors(List<String> origins) {
        this.anyOrigin = origins.contains("*");
        this.origins = Set.copyOf(origins);
    }

    void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !(anyOrigin || origins.contains(origin))) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
        if (!anyOrigin) {
            ctx.header("Vary", "Origin");
        }
        ctx.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        if (ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", ALLOW_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(HttpStatus.NO_CONTENT);
            ctx.skipRemainingHandlers();
        }
    }
}
