package io.conduit.runtime.http;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Health that cannot take the fleet down.
 *
 * <ul>
 *   <li>{@code GET /health/live}: the process serves HTTP. Nothing else.
 *   <li>{@code GET /health/ready}: 503 only for reasons of this instance: draining after SIGTERM
 *       (or not started, when nothing answers at all). The load balancer and the Auto Scaling
 *       Group check it.
 *   <li>The body of {@code /health/ready} also reports PostgreSQL and Redis, and so does the
 *       {@code dependency_up} gauge, but they do not change its status: an outage of a shared
 *       dependency hits every instance alike, and if it failed readiness the ALB would mark every
 *       target unhealthy and the ASG would replace the whole fleet, which helps nobody and makes
 *       the recovery slower. Requests that need the missing dependency answer 503 with
 *       {@code Retry-After} on their own; the rest keep working.
 *   <li>{@code GET /health/region}: whether this region can serve, for Route 53's failover health
 *       checks (through the region's ALB): 503 once PostgreSQL or Redis has not answered a probe
 *       for {@link #REGION_GRACE}, so a blip shorter than that never fails a region over (Route 53
 *       adds its own interval times threshold on top); {@code ?writable=true} (the primary
 *       record's check) also answers 503 while the database is read-only, so a demoted region
 *       (a replica after a failover) does not take the traffic back before it is promoted. Its
 *       body says which dependency has been down, and since when.
 * </ul>
 *
 * <p>The dependencies are probed in the background once a second, never on the request: a probe of
 * a PostgreSQL that is down waits for the pool's connection timeout, and a health check that slow
 * would time out at the load balancer and take the instance out after all.
 */
final class Health implements AutoCloseable {
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    static final Duration REGION_GRACE = Duration.ofSeconds(15);

    private final List<HealthCheck> checks;
    private final AtomicBoolean draining;
    private final BooleanSupplier databaseReadOnly;
    private final Map<String, Boolean> lastState = new ConcurrentHashMap<>();
    private final Map<String, Long> lastUp = new ConcurrentHashMap<>();
    private final ScheduledExecutorService prober;

    Health(List<HealthCheck> checks, AtomicBoolean draining, BooleanSupplier databaseReadOnly, MeterRegistry registry) {
        this.checks = List.copyOf(checks);
        this.draining = draining;
        this.databaseReadOnly = databaseReadOnly;
        for (HealthCheck check : checks) {
            lastState.put(check.name(), true);
            lastUp.put(check.name(), System.nanoTime());
            Gauge.builder("dependency.up", lastState, states -> states.getOrDefault(check.name(), false) ? 1 : 0)
                    .tag("dependency", check.name())
                    .description("1 when the last readiness probe reached the dependency")
                    .register(registry);
        }
        this.prober = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("health-probe").factory());
        probeAll();
        prober.scheduleWithFixedDelay(
                this::probeAll, PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeAll() {
        for (HealthCheck check : checks) {
            boolean up = probe(check);
            lastState.put(check.name(), up);
            if (up) {
                lastUp.put(check.name(), System.nanoTime());
            }
        }
    }

    void register(RoutesConfig routes) {
        routes.get("/health/live", ctx -> Responses.json(ctx, Map.of("status", "UP")), Access.PUBLIC);
        routes.get("/health/ready", this::ready, Access.PUBLIC);
        routes.get("/health/region", this::region, Access.PUBLIC);
    }

    private void region(Context ctx) {
        long now = System.nanoTime();
        var down = new LinkedHashMap<String, String>();
        for (HealthCheck check : checks) {
            long silentMillis = (now - lastUp.getOrDefault(check.name(), now)) / 1_000_000;
            if (silentMillis >= REGION_GRACE.toMillis()) {
                down.put(check.name(), "no answer for " + silentMillis / 1000 + " s");
            }
        }
        boolean readOnly = databaseReadOnly.getAsBoolean();
        if (readOnly && Boolean.parseBoolean(ctx.queryParam("writable"))) {
            down.put("writes", "the database is read-only (a replica)");
        }
        ctx.header("Cache-Control", "no-store");
        var body = new LinkedHashMap<String, Object>();
        body.put("status", down.isEmpty() ? "UP" : "DOWN");
        body.put("writes", readOnly ? "REFUSED" : "ACCEPTED");
        body.put("down", down);
        ctx.status(down.isEmpty() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
        Responses.json(ctx, body);
    }

    private void ready(Context ctx) {
        var results = new LinkedHashMap<String, String>();
        for (HealthCheck check : checks) {
            results.put(check.name(), lastState.getOrDefault(check.name(), false) ? "UP" : "DOWN");
        }
        boolean isDraining = draining.get();
        ctx.header("Cache-Control", "no-store");
        ctx.status(isDraining ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
        Responses.json(ctx, Map.of("status", isDraining ? "DRAINING" : "UP", "checks", results));
    }

    private static boolean probe(HealthCheck check) {
        try {
            return check.probe().getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
