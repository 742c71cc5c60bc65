package io.conduit.runtime.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One access-log line and one timer sample per request, labelled by the route template (never the
 * raw path, which would explode the metric's cardinality). Headers are never logged, so neither is
 * a token.
 */
final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("conduit.access");
    private static final String UNMATCHED = "UNMATCHED";

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();

    AccessLog(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("http.server.requests.active", active, AtomicInteger::get)
                .description("Requests being handled now")
                .register(registry);
    }

    /** First before-handler of every request: it is now in flight. */
    void begin(Context ctx) {
        active.incrementAndGet();
        RequestStats.begin();
    }

    void record(Context ctx, float millis) {
        active.decrementAndGet();
        int statements = RequestStats.end();
        try {
            String route = routeOf(ctx);
            String method = ctx.method().name();
            int status = ctx.statusCode();
            Timer.builder("http.server.requests")
                    .description("HTTP requests by route template, method and status")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .register(registry)
                    .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
            log.atInfo()
                    .addKeyValue("method", method)
                    .addKeyValue("path", ctx.path())
                    .addKeyValue("route", route)
                    .addKeyValue("status", status)
                    .addKeyValue("latencyMs", Math.round(millis * 10) / 10.0)
                    .addKeyValue("dbStatements", statements)
                    .addKeyValue("clientIp", ctx.ip())
                    .log("{} {} {}", method, ctx.path(), status);
        } finally {
            MDC.clear();
        }
    }

    private static String routeOf(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null || endpoint.path.isEmpty() ? UNMATCHED : endpoint.path;
    }
}
