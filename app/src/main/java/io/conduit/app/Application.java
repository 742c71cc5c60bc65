package io.conduit.app;

import com.zaxxer.hikari.HikariDataSource;
import io.conduit.articles.ArticleChanged;
import io.conduit.articles.ArticleDeleted;
import io.conduit.articles.ArticleFavorited;
import io.conduit.articles.ArticlesModule;
import io.conduit.comments.CommentsChanged;
import io.conduit.comments.CommentsModule;
import io.conduit.identity.IdentityModule;
import io.conduit.identity.UserUpdated;
import io.conduit.platform.DomainModule;
import io.conduit.platform.RootCause;
import io.conduit.platform.database.UtcInstants;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.HttpModule;
import io.conduit.profiles.ProfilesModule;
import io.conduit.runtime.events.OutboxRelay;
import io.conduit.runtime.http.HealthCheck;
import io.conduit.runtime.http.HttpServer;
import io.conduit.runtime.http.ResponseCache;
import io.conduit.runtime.idempotency.CommitObserver;
import io.conduit.runtime.idempotency.IdempotencyStore;
import io.conduit.runtime.redis.ContentVersion;
import io.conduit.runtime.redis.RedisClient;
import io.micrometer.core.instrument.binder.commonspool2.CommonsObjectPool2Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: pools, modules in DAG order, the API and admin servers. The one
 * composition root; {@code XxxModule.create} calls are the only place modules meet.
 */
final class Application {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final AppConfig config;
    private final List<AutoCloseable> resources;
    private final HttpServer http;
    private final AdminServer admin;

    private Application(AppConfig config, List<AutoCloseable> resources, HttpServer http, AdminServer admin) {
        this.config = config;
        this.resources = resources;
        this.http = http;
        this.admin = admin;
    }

    /** Starts everything; if any part fails, what was started is closed again before the error. */
    static Application start(AppConfig config, Clock clock) {
        return start(config, clock, CommitObserver.NONE);
    }

    /** As {@link #start(AppConfig, Clock)}, with the failure tests' observer of keyed commits. */
    static Application start(AppConfig config, Clock clock, CommitObserver observer) {
        var resources = new ArrayList<AutoCloseable>();
        try {
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            bindJvmMetrics(registry);
            HikariDataSource dataSource = Database.pool(config.database(), registry);
            resources.add(dataSource);
            // The migrations check (Flyway, one run per schema) overlaps with building the rest;
            // nothing reads or writes the database before migrated() below, which the outbox relay
            // and the HTTP server wait for.
            var migrations = startMigrating(dataSource);
            var jdbi = Jdbi.create(dataSource).installPlugin(new UtcInstants());
            jdbi.setSqlLogger(new StatementCounter());
            var redis = new RedisClient(config.redis(), registry);
            resources.add(redis);
            resources.add(RotatedCredentials.follow(
                    config.credentialFiles(),
                    password -> dataSource.getHikariConfigMXBean().setPassword(password),
                    redis::usePassword));
            var poolMetrics = new CommonsObjectPool2Metrics();
            poolMetrics.bindTo(registry);
            resources.add(poolMetrics);

            var idempotency =
                    new IdempotencyStore(jdbi, clock, config.idempotency().retention(), observer);
            resources.add(idempotency);
            var events = new Events(clock);
            var cache = new ResponseCache(new ContentVersion(redis), config.responseCache(), registry);
            invalidateOnPublicWrites(events, cache);
            var identity = IdentityModule.create(jdbi, redis, config.identity(), events, clock, registry);
            var profiles = ProfilesModule.create(jdbi, redis, identity.users(), clock);
            var articles =
                    ArticlesModule.create(jdbi, redis, events, profiles.profiles(), identity.users(), cache, clock);
            var comments = CommentsModule.create(jdbi, articles.articles(), profiles.profiles(), events, cache, clock);
            List<DomainModule> domain = List.of(identity, profiles, articles, comments);
            Modules.checkCreated(domain);
            domain.forEach(module -> module.subscriptions().forEach(events::subscribe));
            migrated(migrations);
            var databaseRole = DatabaseRole.watch(dataSource, registry);
            resources.add(databaseRole);
            resources.add(OutboxRelay.start(jdbi, events, config.outbox(), databaseRole, registry));

            var checks = List.of(
                    new HealthCheck("postgres", () -> Database.ping(dataSource)),
                    new HealthCheck("redis", redis::ping));
            List<HttpModule> modules = List.of(identity, profiles, articles, comments, new OpenApiRoutes());
            var http = HttpServer.start(
                    config.http(),
                    identity.authenticator(),
                    modules,
                    checks,
                    redis,
                    idempotency,
                    databaseRole,
                    registry);
            try {
                return new Application(config, resources, http, AdminServer.start(config.adminPort(), registry));
            } catch (RuntimeException e) {
                http.stop();
                throw e;
            }
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * Readers see articles, their favorite counts and their authors' profiles: once a write to any
     * of them commits (with a keyed request, once the request commits), what it changed is dropped
     * from the cache: an article's scopes (the lists, the article), or everything for a profile.
     */
    private static void invalidateOnPublicWrites(Events events, ResponseCache cache) {
        events.afterCommit(
                ArticleChanged.class,
                e -> cache.changed(both(ArticlesModule.cacheScopes(e), CommentsModule.cacheScopes(e))));
        events.afterCommit(
                ArticleDeleted.class,
                e -> cache.changed(both(ArticlesModule.cacheScopes(e), CommentsModule.cacheScopes(e))));
        events.afterCommit(ArticleFavorited.class, e -> cache.changed(ArticlesModule.cacheScopes(e)));
        events.afterCommit(CommentsChanged.class, e -> cache.changed(CommentsModule.cacheScopes(e)));
        events.afterCommit(UserUpdated.class, e -> cache.invalidate());
    }

    private static List<String> both(List<String> first, List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }

    private static CompletableFuture<Void> startMigrating(HikariDataSource dataSource) {
        return CompletableFuture.runAsync(
                () -> Database.migrate(dataSource),
                task -> Thread.ofPlatform().daemon().name("migrations").start(task));
    }

    /** Waits for the migrations; their failure is the start's failure, as if they had run inline. */
    private static void migrated(CompletableFuture<Void> migrations) {
        RootCause.join(migrations);
    }

    int port() {
        return http.port();
    }

    List<String> routes() {
        return http.routes();
    }

    int adminPort() {
        return admin.port();
    }

    /**
     * Graceful stop: readiness turns 503 and requests are still served for the drain period (the
     * load balancer notices and stops sending), then the server stops accepting, in-flight requests
     * finish, and the pools close.
     */
    void shutdown() {
        log.info("shutting down: draining for {}", config.drainPeriod());
        http.startDraining();
        sleep(config.drainPeriod());
        http.stop();
        admin.stop();
        closeAll(resources);
        log.info("stopped");
    }

    private static void bindJvmMetrics(PrometheusMeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        var reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed", resource, e);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
