package io.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.conduit.identity.UserView;
import io.conduit.platform.Forbidden;
import io.conduit.platform.events.Events;
import io.conduit.platform.json.Json;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.testing.ModuleDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Creating, favoriting and deleting articles through {@link ArticleService}, on real PostgreSQL. */
class ArticlesModuleIT {
    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(ArticlesModule.DESCRIPTOR);

    private static final AtomicInteger TITLES = new AtomicInteger();
    private static final String DELETED_SUBSCRIBER = "test.article-deleted";

    private final People people = new People();
    private final Events events = new Events(Clock.systemUTC());
    private final ArticleService articles = new ArticleService(
            db.jdbi(), new ArticleRepository(), KeyedCache.NONE, events, people, people, Clock.systemUTC());

    @Test
    void createsFromARequestBodyWithASlugAndTrimmedUniqueSortedTags() {
        UserView author = people.add();
        int n = TITLES.incrementAndGet();
        String title = "Hello, Wörld " + n;
        String json = """
                {"article": {"title": "%s", "description": "d", "body": "b", "tagList": [" zeta", "alpha ", "zeta", "beta"]}}
                """.formatted(title);
        NewArticle article =
                ArticleJson.newArticle(Json.parse(json.getBytes(StandardCharsets.UTF_8), ArticleJson.Envelope.class));

        ArticleRow created = only(articles.create(author.id(), article));

        assertThat(created.slug()).isEqualTo("hello-world-" + n);
        assertThat(created.tags()).containsExactly("alpha", "beta", "zeta");
        assertThat(created.authorId()).isEqualTo(author.id());
        assertThat(db.count(
                        "select count(*) from articles.article_tag where article_id = ?",
                        created.id().value()))
                .isEqualTo(3);
        assertThat(articles.get(created.slug(), Optional.empty()).rows())
                .singleElement()
                .isEqualTo(created);
    }

    @Test
    void givesAClashingTitleTheNextFreeSuffix() {
        UserView author = people.add();
        int n = TITLES.incrementAndGet();

        List<String> slugs = List.of(
                only(articles.create(author.id(), article("Same title " + n))).slug(),
                only(articles.create(people.add().id(), article("Same  title! " + n)))
                        .slug(),
                only(articles.create(author.id(), article("same title " + n))).slug());

        String base = "same-title-" + n;
        assertThat(slugs).containsExactly(base, base + "-2", base + "-3");
    }

    @Test
    void countsEachUsersFavoriteOnce() {
        UserView fan = people.add();
        String slug = favoritedBy(fan, people.add());

        ArticleRow again = only(articles.favorite(fan.id(), slug, true));

        assertThat(again.favoritesCount()).isEqualTo(2);
        assertThat(again.favorited()).isTrue();
        assertThat(only(articles.get(slug, Optional.empty())).favorited()).isFalse();
        assertThat(db.count(
                        "select count(*) from articles.favorite where article_id = ?",
                        again.id().value()))
                .isEqualTo(2);
    }

    @Test
    void unfavoritingTwiceTakesOneFavoriteAway() {
        UserView fan = people.add();
        UserView other = people.add();
        String slug = favoritedBy(fan, other);

        articles.favorite(fan.id(), slug, false);
        ArticleRow twice = only(articles.favorite(fan.id(), slug, false));

        assertThat(twice.favoritesCount()).isOne();
        assertThat(twice.favorited()).isFalse();
        assertThat(only(articles.get(slug, Optional.of(other.id()))).favorited())
                .isTrue();
    }

    @Test
    void deletingRecordsArticleDeletedForEachSubscriber() {
        events.subscribe(ArticleDeleted.class, DELETED_SUBSCRIBER, (h, e) -> {});
        UserView author = people.add();
        int n = TITLES.incrementAndGet();
        String tag = "gone" + n;
        ArticleRow article = only(articles.create(author.id(), article("Doomed " + n, tag, "kept" + n)));
        only(articles.create(author.id(), article("Survivor " + n, "kept" + n)));
        articles.favorite(people.add().id(), article.slug(), true);

        articles.delete(author.id(), article.slug());

        assertThat(articles.bySlug(article.slug())).isEmpty();
        assertThat(db.count(
                        "select count(*) from articles.favorite where article_id = ?",
                        article.id().value()))
                .isZero();
        assertThat(articles.tags()).doesNotContain(tag).contains("kept" + n);
        assertThat(deletedEvents(article.id())).isOne();
        assertThat(db.count(
                        "select count(*) from platform.event_publication where event_type = ?",
                        ArticleChanged.class.getName()))
                .as("ArticleChanged has no subscriber here: nothing to store")
                .isZero();
    }

    @Test
    void onlyTheAuthorDeletes() {
        events.subscribe(ArticleDeleted.class, DELETED_SUBSCRIBER, (h, e) -> {});
        ArticleRow article = only(articles.create(people.add().id(), article("Kept " + TITLES.incrementAndGet())));

        assertThatExceptionOfType(Forbidden.class)
                .isThrownBy(() -> articles.delete(people.add().id(), article.slug()))
                .satisfies(e -> assertThat(e.errors()).isEqualTo(Map.of("article", List.of("forbidden"))));

        assertThat(articles.bySlug(article.slug())).isPresent();
        assertThat(deletedEvents(article.id())).isZero();
    }

    /** A new article, favorited by {@code fans}; returns its slug. */
    private String favoritedBy(UserView... fans) {
        String slug = only(articles.create(people.add().id(), article("Article " + TITLES.incrementAndGet())))
                .slug();
        for (UserView fan : fans) {
            articles.favorite(fan.id(), slug, true);
        }
        return slug;
    }

    /** The undelivered {@link ArticleDeleted} rows of the outbox for {@code article}'s test subscriber. */
    private static long deletedEvents(ArticleId article) {
        return db.count("""
                select count(*) from platform.event_publication
                where subscriber = ? and event_type = ? and (payload -> 'articleId' ->> 'value')::bigint = ?
                  and completed_at is null
                """, DELETED_SUBSCRIBER, ArticleDeleted.class.getName(), article.value());
    }

    static NewArticle article(String title, String... tags) {
        return new NewArticle(title, "about " + title, "body of " + title, List.of(tags));
    }

    static ArticleRow only(ArticlePage page) {
        assertThat(page.rows()).hasSize(1);
        assertThat(page.authors()).containsKey(page.rows().getFirst().authorId());
        return page.rows().getFirst();
    }
}
