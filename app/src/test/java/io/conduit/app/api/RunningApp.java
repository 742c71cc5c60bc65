package io.conduit.app.api;

import io.conduit.app.TestApp;
import io.conduit.runtime.idempotency.CommitObserver;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole application for the tests of one class: started before the first test (and before the
 * class's own {@code @BeforeAll}), stopped after the last (and after its {@code @AfterAll}).
 * Register it on a static field; clients taken from it at class initialisation work once it runs:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningApp app = new RunningApp();
 *
 * private static final Http http = app.http();
 * }</pre>
 */
public final class RunningApp implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<TestApp> start;
    private @Nullable TestApp app;

    /** The application with the test environment ({@link io.conduit.app.TestServices}). */
    public RunningApp() {
        this(TestApp::start);
    }

    private RunningApp(Supplier<TestApp> start) {
        this.start = start;
    }

    /** The application with extra or overriding {@code CONDUIT_*} variables. */
    public static RunningApp with(Map<String, String> overrides) {
        return new RunningApp(() -> TestApp.start(overrides, Clock.systemUTC()));
    }

    /** The application whose keyed requests report their commits to {@code observer}. */
    public static RunningApp observedBy(CommitObserver observer) {
        return new RunningApp(() -> TestApp.start(Map.of(), Clock.systemUTC(), observer));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        app = start.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    /** A client of this application; it finds the application's address on every request. */
    public Http http() {
        return new Http(this::baseUrl);
    }

    public String baseUrl() {
        return running().baseUrl();
    }

    public int port() {
        return URI.create(baseUrl()).getPort();
    }

    /** Every registered route as {@code METHOD /path}. */
    public List<String> routes() {
        return running().routes();
    }

    public String adminUrl() {
        return running().adminUrl();
    }

    private TestApp running() {
        if (app == null) {
            throw new IllegalStateException(
                    "the application runs from beforeAll to afterAll of a class that registers it on a static field");
        }
        return app;
    }
}
