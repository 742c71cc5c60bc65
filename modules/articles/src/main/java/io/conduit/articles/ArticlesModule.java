package io.conduit.articles;

import io.conduit.identity.Users;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.UserId;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.HttpModule;
import io.conduit.platform.redis.Redis;
import io.conduit.profiles.Profiles;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.ArrayList;
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
                jdbi, new ArticleRepository(), redis.keyedCache(ArticleService.KEPT), events, profiles, users, clock);
        return new ArticlesModule(service, cache);
    }

    /**
     * The cache scope of the unfiltered lists, those by author, and the tags: moved by every
     * created, edited or deleted article.
     */
    static final String LISTS = "list:all";

    /** The cache scope of the lists filtered by a favoriting user: also moved by every (un)favorite. */
    static final String FAVORITED = "list:favorited";

    /** The cache scope of the lists filtered by {@code tag}: moved by changes of articles with it. */
    static String tag(String tag) {
        return "tag:" + tag;
    }

    /** The cache scope of one article, by the slug it is read by. */
    static String article(String slug) {
        return "article:" + slug;
    }

    /** The cache scope of a feed: one per followed author (its articles), for feeds of up to {@link #FEED_SCOPES}. */
    static String author(UserId author) {
        return "author:" + author.value();
    }

    /** Past this many followed authors a feed depends on {@link #LISTS} instead (one version to read, not hundreds). */
    static final int FEED_SCOPES = 64;

    /**
     * The content cache scopes a change moves: the lists (all, favorited, each tag it had or has),
     * the article under each of its slugs, and its author's articles (the feeds that follow them).
     * A favorite moves none of them but {@link #FAVORITED}: the counts and flags are kept per
     * article and per user and put on the cached pages.
     */
    public static List<String> cacheScopes(ArticleChanged change) {
        var scopes = new ArrayList<String>(List.of(LISTS, FAVORITED, author(change.authorId())));
        change.slugs().forEach(slug -> scopes.add(article(slug)));
        change.tags().forEach(tag -> scopes.add(tag(tag)));
        return List.copyOf(scopes);
    }

    /** The content cache scopes a deletion moves. */
    public static List<String> cacheScopes(ArticleDeleted deletion) {
        var scopes = new ArrayList<String>(List.of(LISTS, FAVORITED));
        if (deletion.slug() != null) {
            scopes.add(article(deletion.slug()));
        }
        if (deletion.authorId() != null) {
            scopes.add(author(deletion.authorId()));
        }
        if (deletion.tags() != null) {
            deletion.tags().forEach(tag -> scopes.add(tag(tag)));
        }
        return List.copyOf(scopes);
    }

    /** The content cache scopes a favorite moves: the lists filtered by a favoriting user. */
    public static List<String> cacheScopes(ArticleFavorited favorite) {
        return List.of(FAVORITED);
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
