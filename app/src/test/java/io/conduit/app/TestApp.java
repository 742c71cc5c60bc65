package io.conduit.app;

import io.conduit.runtime.idempotency.CommitObserver;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The whole application, started in-process on free ports against {@link TestServices}. */
public final class TestApp implements AutoCloseable {
    private final Application app;

    private TestApp(Application app) {
        this.app = app;
    }

    public static TestApp start() {
        return start(Map.of(), Clock.systemUTC());
    }

    /** Starts an app with extra or overriding variables and the given clock. */
    public static TestApp start(Map<String, String> overrides, Clock clock) {
        return start(overrides, clock, CommitObserver.NONE);
    }

    /** Starts an app with the production defaults of every rate limit (the tests turn them off). */
    public static TestApp startWithDefaultRateLimits(Map<String, String> overrides) {
        var env = new HashMap<>(TestServices.environment());
        env.keySet().removeIf(name -> name.startsWith("CONDUIT_RATE_LIMIT_"));
        env.putAll(overrides);
        return new TestApp(Application.start(AppConfig.fromEnv(env), Clock.systemUTC()));
    }

    /** Starts an app whose keyed requests report their commits to {@code observer}. */
    public static TestApp start(Map<String, String> overrides, Clock clock, CommitObserver observer) {
        var env = new HashMap<>(TestServices.environment());
        env.putAll(overrides);
        return new TestApp(Application.start(AppConfig.fromEnv(env), clock, observer));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    /** Every registered route as {@code METHOD /path}. */
    public java.util.List<String> routes() {
        return app.routes();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + app.adminPort();
    }

    @Override
    public void close() {
        app.shutdown();
    }
}
