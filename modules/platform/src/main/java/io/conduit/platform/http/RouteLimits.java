package io.conduit.platform.http;

import io.conduit.platform.redis.RateLimitPolicy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointMetadata;
import io.javalin.security.Roles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The limits a module puts on one of its routes, on top of the server-wide {@link RateLimits}. The
 * module attaches them when it registers the route ({@link #post}); the server counts them with the
 * others before the handler runs, each under the subject its function names for the request.
 *
 * @param limits in the order they are counted and listed in {@code RateLimit-Policy}
 */
public record RouteLimits(List<Limit> limits) implements EndpointMetadata {
    public RouteLimits {
        limits = List.copyOf(limits);
    }

    /**
     * One limit of a route.
     *
     * @param subject who the request is counted for ({@code ip:<address>}, {@code account:<email>});
     *     null leaves this limit out for the request
     */
    public record Limit(RateLimitPolicy policy, Function<Context, @Nullable String> subject) {}

    public static RouteLimits none() {
        return new RouteLimits(List.of());
    }

    /** These limits and {@code policy} per client address; a null policy (the limit is off) adds none. */
    public RouteLimits perAddress(@Nullable RateLimitPolicy policy) {
        return and(policy, ctx -> "ip:" + ctx.ip());
    }

    /** These limits and {@code policy} per the subject {@code subject} names; a null policy adds none. */
    public RouteLimits and(@Nullable RateLimitPolicy policy, Function<Context, @Nullable String> subject) {
        if (policy == null) {
            return this;
        }
        var more = new ArrayList<>(limits);
        more.add(new Limit(policy, subject));
        return new RouteLimits(more);
    }

    /** Registers {@code POST path} for callers of {@code access}, under these limits. */
    public void post(RoutesConfig routes, String path, Handler handler, Access access) {
        routes.addEndpoint(Endpoint.create(HandlerType.POST, path)
                .addMetadata(new Roles(Set.of(access)))
                .addMetadata(this)
                .handler(handler));
    }
}
