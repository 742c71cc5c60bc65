package io.conduit.runtime.http;

import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.platform.http.RouteLimits;
import io.conduit.platform.redis.RateLimitPolicy;
import io.conduit.runtime.redis.RateLimiter;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Applies the server-wide {@link RateLimits} and the {@link RouteLimits} a module attached to the
 * matched route (after authentication, so a signed-in caller is counted per user). Every limited response carries {@code RateLimit} and {@code RateLimit-Policy};
 * one over the limit is 429 with {@code Retry-After}.
 */
final class RateLimiting {
    private final RateLimiter limiter;
    private final RateLimits limits;
    private final MeterRegistry registry;

    RateLimiting(RateLimiter limiter, RateLimits limits, MeterRegistry registry) {
        this.limiter = limiter;
        this.limits = limits;
        this.registry = registry;
    }

    void apply(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? "" : endpoint.path;
        if (route.startsWith("/health")) {
            return;
        }
        var verdicts = new ArrayList<RateLimiter.Verdict>();
        Optional<Caller> caller = Requests.optionalCaller(ctx);
        if (caller.isPresent()) {
            hit(verdicts, limits.user(), "user:" + caller.get().userId().value());
        } else {
            hit(verdicts, limits.anonymous(), "ip:" + ctx.ip());
        }
        if (endpoint != null) {
            hitRouteLimits(verdicts, endpoint.metadata(RouteLimits.class), ctx);
        }
        if (verdicts.isEmpty()) {
            return;
        }
        RateLimiter.Verdict tightest = verdicts.stream()
                .filter(v -> !v.allowed())
                .findFirst()
                .orElseGet(() -> verdicts.stream()
                        .min((a, b) -> Long.compare(a.remaining(), b.remaining()))
                        .orElseThrow());
        ctx.header("RateLimit-Policy", policyHeader(verdicts));
        ctx.header(
                "RateLimit",
                "\"" + tightest.policy().name() + "\";r=" + tightest.remaining() + ";t=" + tightest.resetSeconds());
        if (!tightest.allowed()) {
            Counter.builder("ratelimit.rejected")
                    .tag("policy", tightest.policy().name())
                    .register(registry)
                    .increment();
            ctx.header("Retry-After", Long.toString(tightest.resetSeconds()));
            ctx.status(429);
            Responses.json(ctx, new ErrorResponses.ErrorBody(Map.of("rate limit", List.of("exceeded, retry later"))));
            ctx.skipRemainingHandlers();
        }
    }

    private void hit(List<RateLimiter.Verdict> verdicts, @Nullable RateLimitPolicy policy, String subject) {
        if (policy != null) {
            verdicts.add(limiter.hit(policy, subject));
        }
    }

    /** The limits the route's module attached, each for the subject it names for this request. */
    private void hitRouteLimits(List<RateLimiter.Verdict> verdicts, @Nullable RouteLimits own, Context ctx) {
        if (own == null) {
            return;
        }
        for (RouteLimits.Limit limit : own.limits()) {
            String subject = limit.subject().apply(ctx);
            if (subject != null) {
                verdicts.add(limiter.hit(limit.policy(), subject));
            }
        }
    }

    private static String policyHeader(List<RateLimiter.Verdict> verdicts) {
        var parts = new ArrayList<String>();
        for (var verdict : verdicts) {
            parts.add(
                    "\"" + verdict.policy().name() + "\";q=" + verdict.policy().limit() + ";w="
                            + verdict.policy().window().toSeconds());
        }
        return String.join(", ", parts);
    }
}
