package io.conduit.comments;

import io.conduit.articles.ArticleChanged;
import io.conduit.articles.ArticleDeleted;
import io.conduit.articles.Articles;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.events.Events;
import io.conduit.platform.events.Subscription;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.HttpModule;
import io.conduit.profiles.Profiles;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Wiring of the comments module; it removes an article's comments when the article is deleted. */
public final class CommentsModule implements DomainModule, HttpModule {
    /** This module, described once: name, schema, the modules it uses, the events it consumes. */
    public static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "comments", "comments", List.of("profiles", "articles"), List.of(ArticleDeleted.class));

    /** The outbox subscriber name: it keys stored deliveries, so it never changes. */
    static final String PURGE_ON_ARTICLE_DELETED = "comments.purge-on-article-deleted";

    private final CommentRoutes routes;
    private final CommentRepository repository;

    private CommentsModule(CommentRoutes routes, CommentRepository repository) {
        this.routes = routes;
        this.repository = repository;
    }

    /**
     * Reads of comments go through {@code cache}; changes publish {@link CommentsChanged} on {@code
     * events}, from which the composition root moves {@link #cacheScopes(CommentsChanged)}.
     */
    public static CommentsModule create(
            Jdbi jdbi, Articles articles, Profiles profiles, Events events, ContentCache cache, Clock clock) {
        var repository = new CommentRepository();
        var service = new CommentService(jdbi, repository, articles, profiles, events, clock);
        return new CommentsModule(new CommentRoutes(service, cache), repository);
    }

    /** The content cache scope of the comments read under {@code slug}. */
    static List<String> cacheScopes(String slug) {
        return List.of("comments:" + slug);
    }

    /** The scopes a comment's addition or removal moves. */
    public static List<String> cacheScopes(CommentsChanged change) {
        return cacheScopes(change.slug());
    }

    /**
     * The scopes an article's change moves here: the comments under each slug it had or has, when
     * there are two (an edit gave it a new slug: the old path no longer leads to it).
     */
    public static List<String> cacheScopes(ArticleChanged change) {
        return change.slugs().size() < 2
                ? List.of()
                : change.slugs().stream()
                        .flatMap(slug -> cacheScopes(slug).stream())
                        .toList();
    }

    /** The scopes an article's deletion moves here: its comments are gone with it. */
    public static List<String> cacheScopes(ArticleDeleted deletion) {
        return deletion.slug() == null ? List.of() : cacheScopes(deletion.slug());
    }

    /** Removes an article's comments once it is deleted (idempotent: delivered at least once). */
    @Override
    public List<Subscription<?>> subscriptions() {
        return List.of(new Subscription<>(
                ArticleDeleted.class,
                PURGE_ON_ARTICLE_DELETED,
                (h, event) -> repository.deleteAllFor(h, event.articleId())));
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
