package io.conduit.platform.http;

import io.conduit.platform.json.Json;
import io.conduit.platform.redis.RateLimitPolicy;
import io.conduit.platform.redis.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Applies {@link RateLimits} to matched routes (after authentication, so a signed-in caller is
 * counted per user). Every limited response carries {@code RateLimit} and {@code RateLimit-Policy};
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
        if (ctx.method() == HandlerType.POST && route.endsWith("/users/login")) {
            hit(verdicts, limits.loginPerAddress(), "ip:" + ctx.ip());
            String account = accountOf(ctx);
            if (account != null) {
                hit(verdicts, limits.loginPerAccount(), "account:" + account);
                hit(verdicts, limits.loginPerAccountAndAddress(), "account:" + account + ":ip:" + ctx.ip());
            }
        } else if (ctx.method() == HandlerType.POST && route.endsWith("/users")) {
            hit(verdicts, limits.registrationPerAddress(), "ip:" + ctx.ip());
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
            ctx.status(429).json(new ErrorResponses.ErrorBody(Map.of("rate limit", List.of("exceeded, retry later"))));
            ctx.skipRemainingHandlers();
        }
    }

    private void hit(List<RateLimiter.Verdict> verdicts, @Nullable RateLimitPolicy policy, String subject) {
        if (policy != null) {
            verdicts.add(limiter.hit(policy, subject));
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

    /** The login's email, lower-cased, read without consuming the body for the handler. */
    private static @Nullable String accountOf(Context ctx) {
        try {
            var node = Json.mapper().readTree(ctx.bodyAsBytes()).path("user").path("email");
            return node.isTextual() && !node.textValue().isBlank()
                    ? node.textValue().strip().toLowerCase(Locale.ROOT)
                    : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
