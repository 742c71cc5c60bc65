package io.conduit.comments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.conduit.articles.ArticleDeleted;
import io.conduit.articles.ArticleId;
import io.conduit.articles.ArticleRef;
import io.conduit.articles.Articles;
import io.conduit.platform.Forbidden;
import io.conduit.platform.Invalid;
import io.conduit.platform.NotFound;
import io.conduit.platform.UserId;
import io.conduit.platform.events.Events;
import io.conduit.platform.events.Subscription;
import io.conduit.platform.http.ContentCache;
import io.conduit.profiles.ProfileView;
import io.conduit.profiles.Profiles;
import io.conduit.testing.ModuleDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Comments through {@link CommentService} and the module's subscription, on real PostgreSQL. */
class CommentsModuleIT {
    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(CommentsModule.DESCRIPTOR);

    private static final AtomicLong IDS = new AtomicLong();

    /** The articles the articles module knows, by slug. */
    private static final Map<String, ArticleRef> ARTICLES = new ConcurrentHashMap<>();

    private static final Articles articles = slug -> Optional.ofNullable(ARTICLES.get(slug));

    /** Every user has a profile named after their id; the viewer follows nobody. */
    private static final Profiles profiles = new Profiles() {
        @Override
        public Optional<ProfileView> byUsername(String username, Optional<UserId> viewer) {
            throw new UnsupportedOperationException("comments asks for profiles by id");
        }

        @Override
        public Map<UserId, ProfileView> byIds(Set<UserId> ids, Optional<UserId> viewer) {
            return ids.stream()
                    .collect(Collectors.toMap(
                            id -> id, id -> new ProfileView(id, "user" + id.value(), null, null, false)));
        }

        @Override
        public Set<UserId> followedBy(UserId follower) {
            throw new UnsupportedOperationException("comments has no feed");
        }
    };

    private final CommentService comments = new CommentService(
            db.jdbi(), new CommentRepository(), articles, profiles, new Events(Clock.systemUTC()), Clock.systemUTC());

    @Test
    void listsAnArticlesCommentsNewestFirstWithTheirAuthors() {
        String slug = article();
        UserId alice = user();
        UserId bob = user();

        CommentRow first = only(comments.add(alice, slug, "first"));
        CommentRow second = only(comments.add(bob, slug, "second"));
        comments.add(alice, article(), "elsewhere");

        CommentPage page = comments.list(slug, Optional.of(bob));
        assertThat(page.rows()).containsExactly(second, first);
        assertThat(page.authors()).containsOnlyKeys(alice, bob);
        assertThat(db.count("select count(*) from comments.comment where article_id = ?", first.articleId()))
                .isEqualTo(2);
    }

    @Test
    void refusesABlankCommentAndOneOnAnUnknownArticle() {
        String slug = article();

        assertThatExceptionOfType(Invalid.class).isThrownBy(() -> comments.add(user(), slug, " \n"));
        assertThatExceptionOfType(NotFound.class)
                .isThrownBy(() -> comments.add(user(), "no-such-article", "hello"))
                .satisfies(e -> assertThat(e.errors()).containsOnlyKeys("article"));
        assertThat(comments.list(slug, Optional.empty()).rows()).isEmpty();
    }

    @Test
    void onlyItsAuthorDeletesAComment() {
        String slug = article();
        UserId author = user();
        CommentRow comment = only(comments.add(author, slug, "mine"));
        String id = Long.toString(comment.id());

        assertThatExceptionOfType(Forbidden.class)
                .isThrownBy(() -> comments.delete(user(), slug, id))
                .satisfies(e -> assertThat(e.errors()).isEqualTo(Map.of("comment", List.of("forbidden"))));
        assertThatExceptionOfType(NotFound.class).isThrownBy(() -> comments.delete(author, article(), id));
        assertThat(db.count("select count(*) from comments.comment where id = ?", comment.id()))
                .isOne();

        comments.delete(author, slug, id);

        assertThat(db.count("select count(*) from comments.comment where id = ?", comment.id()))
                .isZero();
        assertThatExceptionOfType(NotFound.class).isThrownBy(() -> comments.delete(author, slug, id));
    }

    @Test
    void removesADeletedArticlesCommentsOnceHoweverOftenTheEventComes() {
        String doomed = article();
        String kept = article();
        comments.add(user(), doomed, "one");
        comments.add(user(), doomed, "two");
        comments.add(user(), kept, "stays");
        Subscription<?> purge = purgeSubscription();
        var deleted = new ArticleDeleted(ARTICLES.get(doomed).id(), Instant.now(), doomed, null, null);

        db.jdbi().useTransaction(h -> purge.deliver(h, deleted));
        db.jdbi().useTransaction(h -> purge.deliver(h, deleted));

        assertThat(purge.name()).isEqualTo("comments.purge-on-article-deleted");
        assertThat(db.count(
                        "select count(*) from comments.comment where article_id = ?",
                        deleted.articleId().value()))
                .isZero();
        assertThat(comments.list(kept, Optional.empty()).rows())
                .singleElement()
                .satisfies(c -> assertThat(c.body()).isEqualTo("stays"));
    }

    /** The subscription the module asks the composition root to register for {@link ArticleDeleted}. */
    private static Subscription<?> purgeSubscription() {
        var module = CommentsModule.create(
                db.jdbi(), articles, profiles, new Events(Clock.systemUTC()), ContentCache.NONE, Clock.systemUTC());
        assertThat(module.subscriptions())
                .singleElement()
                .satisfies(s -> assertThat(s.type()).isEqualTo(ArticleDeleted.class));
        return module.subscriptions().getFirst();
    }

    /** A new article the articles module knows; returns its slug. */
    private static String article() {
        long id = IDS.incrementAndGet();
        ARTICLES.put("article-" + id, new ArticleRef(new ArticleId(id), user()));
        return "article-" + id;
    }

    private static UserId user() {
        return new UserId(IDS.incrementAndGet());
    }

    private static CommentRow only(CommentPage page) {
        assertThat(page.rows()).hasSize(1);
        assertThat(page.authors()).containsKey(page.rows().getFirst().authorId());
        return page.rows().getFirst();
    }
}
