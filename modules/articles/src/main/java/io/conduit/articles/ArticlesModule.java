package io.conduit.articles;

import io.conduit.identity.Users;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.HttpModule;
import io.conduit.platform.redis.Redis;
import io.conduit.profiles.Profiles;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Wiring of the articles module. */
public final class ArticlesModule implements DomainModule, HttpModule {
    /** This module, described once: name, schema, the modules it uses, the events it consumes. */
    public static final ModuleDescriptor DESCRIPTOR =
            new ModuleDescriptor("articles", "articles", List.of("identity", "profiles"), List.of());

    private final ArticleService service;
    private final ArticleRoutes routes;

    private ArticlesModule(ArticleService service, ContentCache cache) {
        this.service = service;
        this.routes = new ArticleRoutes(service, cache);
    }

    /**
     * Reads take the part of a response that is the same for everyone from {@code cache} and add
     * the caller's flags from per-user sets kept through {@code redis} ({@link Redis#keyedCache}).
     * Writes publish {@link ArticleChanged} or {@link ArticleDeleted}; the composition root decides
     * what reacts (it drops the cache after commit).
     */
    public static ArticlesModule create(
            Jdbi jdbi, Redis redis, Events events, Profiles profiles, Users users, ContentCache cache, Clock clock) {
        var service = new ArticleService(
                jdbi,
                new ArticleRepository(),
                redis.keyedCache(ArticleService.KEPT_FAVORITES),
                events,
                profiles,
                users,
                clock);
        return new ArticlesModule(service, cache);
    }

    public Articles articles() {
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
