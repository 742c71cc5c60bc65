package io.conduit.profiles;

import io.conduit.identity.Users;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.http.HttpModule;
import io.conduit.platform.redis.Redis;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Wiring of the profiles module. */
public final class ProfilesModule implements DomainModule, HttpModule {
    /** This module, described once: name, schema, the modules it uses, the events it consumes. */
    public static final ModuleDescriptor DESCRIPTOR =
            new ModuleDescriptor("profiles", "profiles", List.of("identity"), List.of());

    private final ProfileService service;
    private final ProfileRoutes routes;

    private ProfilesModule(ProfileService service) {
        this.service = service;
        this.routes = new ProfileRoutes(service);
    }

    public static ProfilesModule create(Jdbi jdbi, Redis redis, Users users, Clock clock) {
        return new ProfilesModule(new ProfileService(
                jdbi, new FollowRepository(), redis.keyedCache(ProfileService.KEPT_FOLLOWING), users, clock));
    }

    public Profiles profiles() {
        return service;
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
