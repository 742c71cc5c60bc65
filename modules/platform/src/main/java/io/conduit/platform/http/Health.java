package io.conduit.platform.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /health/live}: the process is up and serving HTTP. {@code GET /health/ready}: the
 * instance is not draining and every dependency answers; the load balancer checks this one.
 */
final class Health {
    private final List<HealthCheck> checks;
    private final AtomicBoolean draining;

    Health(List<HealthCheck> checks, AtomicBoolean draining) {
        this.checks = List.copyOf(checks);
        this.draining = draining;
    }

    void register(RoutesConfig routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")), Access.PUBLIC);
        routes.get("/health/ready", this::ready, Access.PUBLIC);
    }

    private void ready(Context ctx) {
        var results = new LinkedHashMap<String, String>();
        boolean up = !draining.get();
        for (HealthCheck check : checks) {
            boolean ok = probe(check);
            results.put(check.name(), ok ? "UP" : "DOWN");
            up &= ok;
        }
        String status = draining.get() ? "DRAINING" : up ? "UP" : "DOWN";
        ctx.header("Cache-Control", "no-store");
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("status", status, "checks", results));
    }

    @SuppressWarnings("PMD.AvoidCatchingGenericException")
    private static boolean probe(HealthCheck check) {
        try {
            return check.probe().getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
