package io.conduit.runtime.http;

import io.conduit.platform.http.Authenticator;
import io.conduit.platform.http.HttpModule;
import io.conduit.platform.http.Requests;
import io.conduit.platform.json.Json;
import io.conduit.platform.redis.Redis;
import io.conduit.runtime.idempotency.IdempotencyStore;
import io.conduit.runtime.redis.RateLimiter;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server: Javalin on Jetty with virtual threads. Before-handlers run in the order of the
 * request path in docs/architecture.md: request id, CORS, then (for matched routes) the session lookup.
 *
 * <p>Stopping is graceful: {@link #startDraining()} turns readiness to 503 while requests are still
 * served; {@link #stop()} then stops accepting and lets in-flight requests finish within the stop
 * timeout.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Every module's routes are served under each prefix, so a later {@code /api/v2} can sit beside them. */
    public static final List<String> API_PREFIXES = List.of("/api", "/api/v1");

    private static final String JSON_UTF8 = "application/json; charset=utf-8";
    private static final int COPY_BUFFER_BYTES = 4096;

    private final Javalin app;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<String> routes;
    private final Health health;

    private HttpServer(
            HttpSettings settings,
            Authenticator authenticator,
            List<HttpModule> modules,
            List<HealthCheck> checks,
            Redis redis,
            IdempotencyStore idempotencyStore,
            BooleanSupplier databaseReadOnly,
            MeterRegistry registry) {
        var cors = new Cors(settings.corsOrigins());
        var writeGate = new WriteGate(databaseReadOnly);
        var authentication = new Authentication(authenticator);
        var accessLog = new AccessLog(registry);
        var rateLimiting = new RateLimiting(new RateLimiter(redis, registry), settings.rateLimits(), registry);
        var idempotency = new Idempotency(idempotencyStore, registry);
        var health = new Health(checks, draining, databaseReadOnly, registry);
        this.health = health;
        var unroled = new ArrayList<String>();
        var registered = new ArrayList<String>();
        this.app = Javalin.create(config -> {
            configureServer(config, settings);
            config.jsonMapper(new JavalinJackson(Json.mapper(), true));
            config.events.handlerAdded(meta -> {
                if (meta.getHttpMethod().isHttpMethod()) {
                    registered.add(meta.getHttpMethod() + " " + meta.getPath());
                    if (meta.getRoles().size() != 1) {
                        unroled.add(meta.getHttpMethod() + " " + meta.getPath());
                    }
                }
            });
            config.requestLogger.http((ctx, ms) -> {
                idempotency.release(ctx);
                accessLog.record(ctx, ms);
            });
            ErrorResponses.register(config.routes);
            config.routes.before(accessLog::begin);
            config.routes.before(RequestIds::assign);
            config.routes.before(cors::apply);
            config.routes.beforeMatched(authentication::apply);
            config.routes.beforeMatched(rateLimiting::apply);
            config.routes.beforeMatched(writeGate::apply);
            config.routes.beforeMatched(Requests::checkParameters);
            config.routes.beforeMatched(Requests::requireJsonBody);
            config.routes.beforeMatched(idempotency::begin);
            config.routes.after(HttpServer::jsonWithCharset);
            config.routes.after(ConditionalGet::apply);
            config.routes.after(idempotency::end);
            health.register(config.routes);
            for (String prefix : API_PREFIXES) {
                modules.forEach(module -> module.register(config.routes, prefix));
            }
        });
        this.routes = List.copyOf(registered);
        if (!unroled.isEmpty()) {
            throw new IllegalStateException("routes without exactly one Access role: " + unroled);
        }
    }

    private static void configureServer(JavalinConfig config, HttpSettings settings) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.concurrency.useVirtualThreads = true;
        config.http.prefer405over404 = true;
        config.http.maxRequestSize = settings.maxRequestBytes();
        config.http.defaultContentType = JSON_UTF8;
        // Javalin copies each result into the servlet's stream through a buffer of this size,
        // allocated per response (Jetty's 32 KB output buffer size by default: a third of all the
        // bytes the server allocated). Jetty aggregates writes this small in its own pooled buffer.
        config.http.responseBufferSize = COPY_BUFFER_BYTES;
        int hops = settings.trustedProxyHops();
        config.contextResolver.ip = ctx -> ClientAddress.of(ctx, hops);
        config.jetty.modifyHttpConfiguration(http -> {
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler.Servlet()));
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            server.insertHandler(new GracefulHandler());
            server.setStopTimeout(settings.stopTimeout().toMillis());
        });
        config.jetty.addConnector((server, httpConfiguration) -> {
            var connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
            connector.setPort(settings.port());
            connector.setIdleTimeout(settings.idleTimeout().toMillis());
            // The JVM's default listen backlog is 50: a burst of new connections beyond it is reset.
            connector.setAcceptQueueSize(1024);
            return connector;
        });
    }

    /** The contract's content type is {@code application/json; charset=utf-8}, spelled out. */
    private static void jsonWithCharset(io.javalin.http.Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("application/json")) {
            ctx.contentType(JSON_UTF8);
        }
    }

    /** Builds and starts the server; it is accepting requests when this returns. */
    public static HttpServer start(
            HttpSettings settings,
            Authenticator authenticator,
            List<HttpModule> modules,
            List<HealthCheck> checks,
            Redis redis,
            IdempotencyStore idempotency,
            BooleanSupplier databaseReadOnly,
            MeterRegistry registry) {
        var server = new HttpServer(
                settings, authenticator, modules, checks, redis, idempotency, databaseReadOnly, registry);
        server.app.start();
        log.atInfo().addKeyValue("port", server.port()).log("API listening on port {}", server.port());
        return server;
    }

    /** Every registered route as {@code METHOD /path/{param}}. */
    public List<String> routes() {
        return routes;
    }

    public int port() {
        return app.port();
    }

    /** Readiness turns 503 so the load balancer stops sending; requests are still served. */
    public void startDraining() {
        draining.set(true);
    }

    public boolean isDraining() {
        return draining.get();
    }

    /** Stops accepting connections and waits (up to the stop timeout) for in-flight requests. */
    public void stop() {
        draining.set(true);
        app.stop();
        health.close();
    }
}
