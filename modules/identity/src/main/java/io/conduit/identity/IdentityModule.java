package io.conduit.identity;

import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.Authenticator;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.HttpModule;
import io.conduit.platform.redis.Redis;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Wiring of the identity module: the composition root creates it and asks for its faces. */
public final class IdentityModule implements DomainModule, HttpModule {
    /** This module, described once: name, schema, the modules it uses, the events it consumes. */
    public static final ModuleDescriptor DESCRIPTOR =
            new ModuleDescriptor("identity", "identity", List.of(), List.of());

    private final UserService service;
    private final SessionStore sessions;
    private final UserRoutes routes;

    private IdentityModule(UserService service, SessionStore sessions, AccountLimits limits) {
        this.service = service;
        this.sessions = sessions;
        this.routes = new UserRoutes(service, limits);
    }

    /**
     * {@code events} carries {@link UserUpdated} when a user changes their account; {@code registry}
     * gets the session store's metrics.
     */
    public static IdentityModule create(
            Jdbi jdbi, Redis redis, IdentitySettings settings, Events events, Clock clock, MeterRegistry registry) {
        var sessions = new SessionStore(
                redis, clock, settings.sessionIdleTimeout(), settings.sessionAbsoluteLifetime(), registry);
        var hasher = new PasswordHasher(settings.passwordHashConcurrency());
        var service = new UserService(
                jdbi, new UserRepository(), hasher, sessions, redis.keyedCache(UserService.KEPT_USER), events, clock);
        return new IdentityModule(service, sessions, settings.limits());
    }

    /** The facade other modules use. */
    public Users users() {
        return service;
    }

    /** Resolves session tokens for the HTTP kernel. */
    public Authenticator authenticator() {
        return token -> sessions.find(token).map(user -> new Caller(user, token));
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void register(RoutesConfig routes, String prefix) {
        this.routes.register(routes, prefix);
    }
}
