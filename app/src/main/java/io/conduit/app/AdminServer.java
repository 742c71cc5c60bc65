package io.conduit.app;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The admin port: Prometheus metrics, never exposed through the load balancer. */
final class AdminServer {
    private final Javalin app;

    private AdminServer(Javalin app) {
        this.app = app;
    }

    static AdminServer start(int port, PrometheusMeterRegistry registry) {
        var app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(registry.scrape()));
        });
        app.start(port);
        return new AdminServer(app);
    }

    int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }
}
