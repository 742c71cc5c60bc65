package io.conduit.articles;

import io.conduit.identity.Users;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.AnonymousCache;
import io.conduit.platform.http.HttpModule;
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

    private ArticlesModule(ArticleService service, AnonymousCache cache) {
        this.service = service;
        this.routes = new ArticleRoutes(service, cache);
    }

    /**
     * Anonymous reads go through {@code cache}. Writes publish {@link ArticleChanged} or {@link
     * ArticleDeleted}; the composition root decides what reacts (it drops the cache after commit).
     */
    public static ArticlesModule create(
            Jdbi jdbi, Events events, Profiles profiles, Users users, AnonymousCache cache, Clock clock) {
        return new ArticlesModule(
                new ArticleService(jdbi, new ArticleRepository(), events, profiles, users, clock), cache);
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
