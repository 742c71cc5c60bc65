package io.conduit.comments;

import io.conduit.articles.ArticleRef;
import io.conduit.articles.Articles;
import io.conduit.platform.Forbidden;
import io.conduit.platform.Invalid;
import io.conduit.platform.NotFound;
import io.conduit.platform.Timestamps;
import io.conduit.platform.UserId;
import io.conduit.platform.events.Events;
import io.conduit.profiles.ProfileView;
import io.conduit.profiles.Profiles;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Comments on articles: the article is looked up first, so an unknown slug is 404 article. Every
 * change publishes {@link CommentsChanged} on its own transaction.
 */
final class CommentService {
    static final int BODY_MAX = 10_000;

    private final Jdbi jdbi;
    private final CommentRepository repository;
    private final Articles articles;
    private final Profiles profiles;
    private final Events events;
    private final Clock clock;

    CommentService(
            Jdbi jdbi, CommentRepository repository, Articles articles, Profiles profiles, Events events, Clock clock) {
        this.jdbi = jdbi;
        this.repository = repository;
        this.articles = articles;
        this.profiles = profiles;
        this.events = events;
        this.clock = clock;
    }

    CommentPage list(String slug, Optional<UserId> viewer) {
        ArticleRef article = article(slug);
        List<CommentRow> rows = jdbi.withHandle(h -> repository.forArticle(h, article.id()));
        return new CommentPage(rows, authors(rows, viewer));
    }

    CommentPage add(UserId author, String slug, String body) {
        if (body.isBlank()) {
            throw new Invalid("body", Invalid.BLANK);
        }
        if (body.length() > BODY_MAX) {
            throw new Invalid("body", "is too long (maximum is " + BODY_MAX + " characters)");
        }
        ArticleRef article = article(slug);
        CommentRow row = jdbi.withHandle(h -> {
            CommentRow added =
                    repository.insert(h, article.id(), author, body, Timestamps.apiPrecision(clock.instant()));
            events.publish(h, new CommentsChanged(article.id(), slug, clock.instant()));
            return added;
        });
        return new CommentPage(List.of(row), authors(List.of(row), Optional.of(author)));
    }

    void delete(UserId caller, String slug, String id) {
        ArticleRef article = article(slug);
        long commentId = parseId(id);
        jdbi.useTransaction(h -> {
            CommentRow comment = repository.find(h, article.id(), commentId).orElseThrow(() -> new NotFound("comment"));
            if (!comment.authorId().equals(caller)) {
                throw new Forbidden("comment");
            }
            repository.delete(h, comment.id());
            events.publish(h, new CommentsChanged(article.id(), slug, clock.instant()));
        });
    }

    private ArticleRef article(String slug) {
        return articles.bySlug(slug).orElseThrow(() -> new NotFound("article"));
    }

    /** Whom {@code viewer} follows (kept by the profiles module), to put their flags on a shared page. */
    java.util.Set<UserId> followedBy(UserId viewer) {
        return profiles.followedBy(viewer);
    }

    private Map<UserId, ProfileView> authors(List<CommentRow> rows, Optional<UserId> viewer) {
        return profiles.byIds(rows.stream().map(CommentRow::authorId).collect(Collectors.toSet()), viewer);
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFound("comment");
        }
    }
}
