package io.conduit.comments;

import io.conduit.articles.ArticleDeleted;
import io.conduit.articles.Articles;
import io.conduit.platform.events.Events;
import io.conduit.platform.http.HttpModule;
import io.conduit.profiles.Profiles;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Wiring of the comments module; it removes an article's comments when the article is deleted. */
public final class CommentsModule implements HttpModule {
    /** The outbox subscriber name: it keys stored deliveries, so it never changes. */
    static final String PURGE_ON_ARTICLE_DELETED = "comments.purge-on-article-deleted";

    private final CommentRoutes routes;

    private CommentsModule(CommentRoutes routes) {
        this.routes = routes;
    }

    public static CommentsModule create(Jdbi jdbi, Events events, Articles articles, Profiles profiles, Clock clock) {
        var repository = new CommentRepository();
        events.subscribe(
                ArticleDeleted.class,
                PURGE_ON_ARTICLE_DELETED,
                (h, event) -> repository.deleteAllFor(h, event.articleId()));
        return new CommentsModule(new CommentRoutes(new CommentService(jdbi, repository, articles, profiles, clock)));
    }

    @Override
    public void register(RoutesConfig routes, String prefix) {
        this.routes.register(routes, prefix);
    }
}
