package io.conduit.articles;

import static io.conduit.articles.ArticlesModuleIT.article;
import static io.conduit.articles.ArticlesModuleIT.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.identity.UserView;
import io.conduit.platform.events.Events;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.testing.ModuleDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The article lists and the feed through {@link ArticleService}: filters, counts, order, on real PostgreSQL. */
class ArticleListsIT {
    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(ArticlesModule.DESCRIPTOR);

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final PageRequest FIRST_PAGE = new PageRequest(20, 0);

    private final People people = new People();
    private final ArticleService articles = new ArticleService(
            db.jdbi(),
            new ArticleRepository(),
            KeyedCache.NONE,
            new Events(Clock.systemUTC()),
            people,
            people,
            Clock.systemUTC());

    @Test
    void narrowsByTagAuthorAndFavoriterNewestFirstWithTheirCounts() {
        UserView alice = people.add();
        UserView bob = people.add();
        UserView fan = people.add();
        String x = unique("x");
        String y = unique("y");
        String a1 = create(alice, x);
        String a2 = create(alice, x, y);
        String a3 = create(alice, y);
        String b1 = create(bob, x);
        articles.favorite(fan.id(), a1, true);
        articles.favorite(fan.id(), b1, true);

        assertThat(list(x, null, null)).isEqualTo(new Listed(List.of(b1, a2, a1), 3));
        assertThat(list(null, alice, null)).isEqualTo(new Listed(List.of(a3, a2, a1), 3));
        assertThat(list(null, null, fan)).isEqualTo(new Listed(List.of(b1, a1), 2));
        assertThat(list(x, alice, null)).isEqualTo(new Listed(List.of(a2, a1), 2));
        assertThat(list(y, null, fan)).isEqualTo(new Listed(List.of(), 0));
    }

    @Test
    void pagesKeepTheTotalAndLeaveTheBodyOut() {
        UserView author = people.add();
        String first = create(author);
        String second = create(author);
        create(author);

        ArticlePage page = articles.list(null, author.username(), null, new PageRequest(2, 1), Optional.empty());

        assertThat(page.rows()).extracting(ArticleRow::slug).containsExactly(second, first);
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.rows()).allSatisfy(row -> assertThat(row.body()).isNull());
        assertThat(articles.list(null, null, null, FIRST_PAGE, Optional.empty()).total())
                .as("the kept total of the unfiltered list")
                .isEqualTo(db.count("select count(*) from articles.article"));
    }

    @Test
    void findsNothingForAnUnknownAuthorOrFavoriter() {
        create(people.add());

        assertThat(articles.list(null, "nobody", null, FIRST_PAGE, Optional.empty())
                        .total())
                .isZero();
        assertThat(articles.list(null, null, "nobody", FIRST_PAGE, Optional.empty())
                        .rows())
                .isEmpty();
    }

    @Test
    void feedsTheFollowedAuthorsArticlesNewestFirstAsTheViewerSeesThem() {
        UserView reader = people.add();
        UserView followed = people.add();
        UserView alsoFollowed = people.add();
        UserView stranger = people.add();
        people.follow(reader, followed);
        people.follow(reader, alsoFollowed);
        String old = create(followed);
        create(stranger);
        String recent = create(alsoFollowed);
        articles.favorite(reader.id(), recent, true);

        ArticlePage feed = articles.feed(reader.id(), FIRST_PAGE);

        assertThat(feed.rows()).extracting(ArticleRow::slug).containsExactly(recent, old);
        assertThat(feed.total()).isEqualTo(2);
        assertThat(feed.rows()).extracting(ArticleRow::favorited).containsExactly(true, false);
        assertThat(feed.authors().values())
                .allSatisfy(author -> assertThat(author.following()).isTrue());
        assertThat(articles.feed(stranger.id(), FIRST_PAGE).rows()).isEmpty();
    }

    /** The slugs of a first page and the total it reports. */
    private record Listed(List<String> slugs, long total) {}

    private Listed list(@Nullable String tag, @Nullable UserView author, @Nullable UserView favoriter) {
        ArticlePage page = articles.list(
                tag,
                author == null ? null : author.username(),
                favoriter == null ? null : favoriter.username(),
                FIRST_PAGE,
                Optional.empty());
        return new Listed(page.rows().stream().map(ArticleRow::slug).toList(), page.total());
    }

    /** A new article by {@code author}; returns its slug. */
    private String create(UserView author, String... tags) {
        return only(articles.create(author.id(), article(unique("article"), tags)))
                .slug();
    }

    private static String unique(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }
}
