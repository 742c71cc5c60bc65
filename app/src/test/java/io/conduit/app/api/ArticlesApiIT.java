package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.article;
import static io.conduit.app.api.ArticleRequests.create;
import static io.conduit.app.api.ArticleRequests.slugs;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Articles, favorites, lists, the feed and tags, as the API document (openapi.json) says. */
class ArticlesApiIT {
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();

    @Test
    void createsAnArticleWith201SortedTagsAndTheAuthorsProfile() {
        var author = Users.register(http);

        var response = http.post(
                "/api/articles",
                article(
                        "How to train your dragon",
                        "Ever wonder how?",
                        "You have to believe",
                        List.of("zeta", "alpha", "zeta")),
                token(author.token()));

        assertThat(response.status()).isEqualTo(201);
        var article = response.json().get("article");
        assertThat(article.get("slug").asText()).startsWith("how-to-train-your-dragon");
        assertThat(article.get("title").asText()).isEqualTo("How to train your dragon");
        assertThat(article.get("body").asText()).isEqualTo("You have to believe");
        assertThat(article.get("tagList")).hasSize(2);
        assertThat(article.get("tagList").get(0).asText()).isEqualTo("alpha");
        assertThat(article.get("createdAt").asText()).matches(TIMESTAMP);
        assertThat(article.get("updatedAt").asText()).matches(TIMESTAMP);
        assertThat(article.get("favorited").asBoolean()).isFalse();
        assertThat(article.get("favoritesCount").asInt()).isZero();
        assertThat(article.at("/author/username").asText()).isEqualTo(author.username());
        assertThat(article.at("/author/following").asBoolean()).isFalse();
    }

    @Test
    void givesEachArticleWithADuplicateTitleItsOwnSlug() {
        var author = Users.register(http);
        String title = Users.unique("Same Title");

        var first = create(http, author.token(), title, List.of());
        var second = create(http, author.token(), title, List.of());

        assertThat(first.get("slug").asText()).isNotEqualTo(second.get("slug").asText());
        assertThat(http.get("/api/articles/" + second.get("slug").asText()).status())
                .isEqualTo(200);
    }

    @Test
    void rejectsBlankMissingOrOversizedFieldsWith422AndCreatesNothing() {
        var author = Users.register(http);

        var blank = http.post(
                "/api/articles", "{\"article\":{\"title\":\"\",\"description\":\"d\"}}", token(author.token()));
        var tooManyTags = http.post(
                "/api/articles",
                article("t", "d", "b", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")),
                token(author.token()));
        var blankTag = http.post("/api/articles", article("t", "d", "b", List.of(" ")), token(author.token()));
        var wrongType = http.post(
                "/api/articles",
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":\"x\"}}",
                token(author.token()));
        var longTitle =
                http.post("/api/articles", article("t".repeat(201), "d", "b", List.of()), token(author.token()));

        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.errors()).containsEntry("title", "can't be blank").containsEntry("body", "can't be blank");
        assertThat(tooManyTags.status()).isEqualTo(422);
        assertThat(tooManyTags.errors()).containsKey("tagList");
        assertThat(blankTag.status()).isEqualTo(422);
        assertThat(wrongType.errors()).containsKey("tagList");
        assertThat(longTitle.errors()).containsKey("title");
        assertThat(http.get("/api/articles?author=" + author.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isZero();
    }

    @Test
    void requiresATokenBeforeLookingForTheArticle() {
        var unknown = "/api/articles/" + Users.unique("no-such-article");

        assertThat(http.put(unknown, article("t", "d", "b", List.of())).status())
                .isEqualTo(401);
        assertThat(http.delete(unknown).status()).isEqualTo(401);
        assertThat(http.post(unknown + "/favorite", "").status()).isEqualTo(401);
        assertThat(http.post("/api/articles", article("t", "d", "b", List.of())).errors())
                .containsEntry("token", "is missing");
        var user = Users.register(http);
        assertThat(http.delete(unknown, token(user.token())).errors()).containsEntry("article", "not found");
        assertThat(http.get(unknown).status()).isEqualTo(404);
    }

    @Test
    void letsOnlyTheAuthorUpdateOrDelete() {
        var author = Users.register(http);
        var other = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Mine"), List.of())
                .get("slug")
                .asText();

        var update = http.put("/api/articles/" + slug, "{\"article\":{\"body\":\"hijacked\"}}", token(other.token()));
        var delete = http.delete("/api/articles/" + slug, token(other.token()));

        assertThat(update.status()).isEqualTo(403);
        assertThat(update.errors()).containsEntry("article", "forbidden");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(http.get("/api/articles/" + slug).json().at("/article/body").asText())
                .startsWith("the body of");
    }

    @Test
    void updatesPartiallyKeepingCreatedAtAndTheSlugOnABodyChangeAndMovingUpdatedAt() {
        var author = Users.register(http);
        var created = create(http, author.token(), Users.unique("Original"), List.of("keep"));
        String slug = created.get("slug").asText();

        var bodyOnly =
                http.put("/api/articles/" + slug, "{\"article\":{\"body\":\"new body\"}}", token(author.token()));

        var updated = bodyOnly.json().get("article");
        assertThat(bodyOnly.status()).isEqualTo(200);
        assertThat(updated.get("slug").asText()).isEqualTo(slug);
        assertThat(updated.get("body").asText()).isEqualTo("new body");
        assertThat(updated.get("title").asText()).isEqualTo(created.get("title").asText());
        assertThat(updated.get("tagList").get(0).asText()).isEqualTo("keep");
        assertThat(updated.get("createdAt").asText())
                .isEqualTo(created.get("createdAt").asText());
        assertThat(updated.get("updatedAt").asText())
                .isNotEqualTo(created.get("updatedAt").asText());
        assertThat(updated.get("updatedAt").asText())
                .isGreaterThan(created.get("updatedAt").asText());
    }

    @Test
    void changesTheSlugWithANewTitle() {
        var author = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Before"), List.of())
                .get("slug")
                .asText();
        String title = Users.unique("After");

        var response =
                http.put("/api/articles/" + slug, "{\"article\":{\"title\":\"" + title + "\"}}", token(author.token()));

        String newSlug = response.json().at("/article/slug").asText();
        assertThat(newSlug).startsWith("after");
        assertThat(http.get("/api/articles/" + newSlug).status()).isEqualTo(200);
        assertThat(http.get("/api/articles/" + slug).status()).isEqualTo(404);
    }

    @Test
    void keepsTagsWhenAbsentRemovesThemWithAnEmptyListAndRefusesNull() {
        var author = Users.register(http);
        String tag = Users.unique("tag");
        String slug = create(http, author.token(), Users.unique("Tagged"), List.of(tag, "other"))
                .get("slug")
                .asText();

        var absent = http.put("/api/articles/" + slug, "{\"article\":{\"description\":\"x\"}}", token(author.token()));
        var nulled = http.put("/api/articles/" + slug, "{\"article\":{\"tagList\":null}}", token(author.token()));
        var emptied = http.put("/api/articles/" + slug, "{\"article\":{\"tagList\":[]}}", token(author.token()));

        assertThat(absent.json().at("/article/tagList")).hasSize(2);
        assertThat(nulled.status()).isEqualTo(422);
        assertThat(nulled.errors()).containsKey("tagList");
        assertThat(emptied.json().at("/article/tagList")).isEmpty();
        assertThat(http.get("/api/tags").body()).doesNotContain(tag);
        assertThat(http.get("/api/articles?tag=" + tag)
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isZero();
    }

    @Test
    void deletesWith204AndAnEmptyBody() {
        var author = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Doomed"), List.of())
                .get("slug")
                .asText();

        var response = http.delete("/api/articles/" + slug, token(author.token()));

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(http.get("/api/articles/" + slug).errors()).containsEntry("article", "not found");
    }

    @Test
    void favoritesAndUnfavoritesComputingFavoritedForTheCaller() {
        var author = Users.register(http);
        var fan = Users.register(http);
        var stranger = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Likeable"), List.of())
                .get("slug")
                .asText();

        var favorite = http.post("/api/articles/" + slug + "/favorite", "", token(fan.token()));
        var again = http.post("/api/articles/" + slug + "/favorite", "", token(fan.token()));

        assertThat(favorite.status()).isEqualTo(200);
        assertThat(favorite.json().at("/article/favorited").asBoolean()).isTrue();
        assertThat(again.json().at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(http.get("/api/articles/" + slug, token(stranger.token()))
                        .json()
                        .at("/article/favorited")
                        .asBoolean())
                .isFalse();
        assertThat(http.get("/api/articles/" + slug)
                        .json()
                        .at("/article/favoritesCount")
                        .asInt())
                .isEqualTo(1);
        var list = http.get("/api/articles?favorited=" + fan.username(), token(fan.token()));
        assertThat(slugs(list)).containsExactly(slug);
        assertThat(list.json().at("/articles/0/favorited").asBoolean()).isTrue();

        var unfavorite = http.delete("/api/articles/" + slug + "/favorite", token(fan.token()));

        assertThat(unfavorite.status()).isEqualTo(200);
        assertThat(unfavorite.json().at("/article/favorited").asBoolean()).isFalse();
        assertThat(unfavorite.json().at("/article/favoritesCount").asInt()).isZero();
        var unfavoriteAgain = http.delete("/api/articles/" + slug + "/favorite", token(fan.token()));
        assertThat(unfavoriteAgain.status()).isEqualTo(200);
        assertThat(unfavoriteAgain.json().at("/article/favoritesCount").asInt()).isZero();
        assertThat(http.post("/api/articles/" + Users.unique("nope") + "/favorite", "", token(fan.token()))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void listsNewestFirstInCreationOrderWithoutBodyAndWithTheTotalCount() {
        var author = Users.register(http);
        String tag = Users.unique("order");
        var slugs = new java.util.ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            slugs.add(create(http, author.token(), Users.unique("Ordered " + i), List.of(tag))
                    .get("slug")
                    .asText());
        }
        java.util.Collections.reverse(slugs);

        var page1 = http.get("/api/articles?tag=" + tag + "&limit=2");
        var page2 = http.get("/api/articles?tag=" + tag + "&limit=2&offset=2");
        var page3 = http.get("/api/articles?tag=" + tag + "&limit=2&offset=4");
        var byAuthor = http.get("/api/articles?author=" + author.username() + "&limit=3");

        assertThat(slugs(page1)).containsExactlyElementsOf(slugs.subList(0, 2));
        assertThat(slugs(page2)).containsExactlyElementsOf(slugs.subList(2, 4));
        assertThat(slugs(page3)).containsExactlyElementsOf(slugs.subList(4, 5));
        assertThat(page1.json().get("articlesCount").asInt()).isEqualTo(5);
        assertThat(byAuthor.json().get("articlesCount").asInt()).isEqualTo(5);
        assertThat(slugs(byAuthor)).containsExactlyElementsOf(slugs.subList(0, 3));
        page1.json().get("articles").forEach(a -> {
            assertThat(a.has("body")).isFalse();
            assertThat(a.has("tagList")).isTrue();
        });
        assertThat(http.get("/api/articles?limit=1").json().get("articlesCount").asInt())
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void returnsAnEmptyListForAnUnknownAuthorOrFavoriter() {
        var unknown = http.get("/api/articles?author=" + Users.unique("ghost"));
        var noFavorites = http.get("/api/articles?favorited=" + Users.unique("ghost"));

        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.json().get("articles")).isEmpty();
        assertThat(unknown.json().get("articlesCount").asInt()).isZero();
        assertThat(noFavorites.json().get("articlesCount").asInt()).isZero();
    }

    @Test
    void rejectsALimitOrOffsetOutOfRangeWith422() {
        assertThat(http.get("/api/articles?limit=0").errors()).containsKey("limit");
        assertThat(http.get("/api/articles?limit=101").status()).isEqualTo(422);
        assertThat(http.get("/api/articles?limit=abc").status()).isEqualTo(422);
        assertThat(http.get("/api/articles?offset=-1").errors()).containsKey("offset");
        assertThat(http.get("/api/articles?limit=100&offset=0").status()).isEqualTo(200);
    }

    @Test
    void feedsOnlyFollowedAuthorsNewestFirstAndRequiresAToken() {
        var reader = Users.register(http);
        var followed = Users.register(http);
        var ignored = Users.register(http);
        String older = create(http, followed.token(), Users.unique("Followed one"), List.of())
                .get("slug")
                .asText();
        create(http, ignored.token(), Users.unique("Ignored"), List.of());
        String newer = create(http, followed.token(), Users.unique("Followed two"), List.of())
                .get("slug")
                .asText();
        http.post("/api/profiles/" + followed.username() + "/follow", "", token(reader.token()));

        var feed = http.get("/api/articles/feed", token(reader.token()));

        assertThat(slugs(feed)).containsExactly(newer, older);
        assertThat(feed.json().get("articlesCount").asInt()).isEqualTo(2);
        assertThat(feed.json().at("/articles/0/author/following").asBoolean()).isTrue();
        assertThat(feed.json().at("/articles/0").has("body")).isFalse();
        assertThat(http.get("/api/articles/feed").status()).isEqualTo(401);
        assertThat(http.get("/api/articles/feed", token(Users.register(http).token()))
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isZero();
    }

    @Test
    void mergesTheFollowedAuthorsNewestFirstAcrossPagesAndCountsCreatesAndDeletes() {
        var reader = Users.register(http);
        var first = Users.register(http);
        var second = Users.register(http);
        var written = new java.util.ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            var author = i % 3 == 0 ? second : first; // interleaved, unevenly
            written.add(
                    0,
                    create(http, author.token(), Users.unique("Merged " + i), List.of())
                            .get("slug")
                            .asText());
        }
        http.post("/api/profiles/" + first.username() + "/follow", "", token(reader.token()));
        http.post("/api/profiles/" + second.username() + "/follow", "", token(reader.token()));

        var page1 = http.get("/api/articles/feed?limit=4&offset=0", token(reader.token()));
        var page2 = http.get("/api/articles/feed?limit=4&offset=4", token(reader.token()));
        var pages = new java.util.ArrayList<>(slugs(page1));
        pages.addAll(slugs(page2));

        assertThat(pages).containsExactlyElementsOf(written);
        assertThat(page2.json().get("articlesCount").asInt()).isEqualTo(6);
        assertThat(http.delete("/api/articles/" + written.get(2), token(second.token())) // i = 3, by second
                        .status())
                .isEqualTo(204);
        assertThat(http.get("/api/articles/feed", token(reader.token()))
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(5);
        assertThat(http.get("/api/articles?author=" + second.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void computesFollowingOfTheAuthorForTheCallerOnSingleArticlesAndLists() {
        var author = Users.register(http);
        var follower = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Followable"), List.of())
                .get("slug")
                .asText();
        http.post("/api/profiles/" + author.username() + "/follow", "", token(follower.token()));

        assertThat(http.get("/api/articles/" + slug, token(follower.token()))
                        .json()
                        .at("/article/author/following")
                        .asBoolean())
                .isTrue();
        assertThat(http.get("/api/articles/" + slug)
                        .json()
                        .at("/article/author/following")
                        .asBoolean())
                .isFalse();
        assertThat(http.get("/api/articles?author=" + author.username(), token(follower.token()))
                        .json()
                        .at("/articles/0/author/following")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void listsEveryTagInUseSorted() {
        var author = Users.register(http);
        String b = Users.unique("b-tag");
        String a = Users.unique("a-tag");
        create(http, author.token(), Users.unique("Tags"), List.of(b, a));

        var tags = http.get("/api/tags").json().get("tags");

        var list = new java.util.ArrayList<String>();
        tags.forEach(t -> list.add(t.asText()));
        assertThat(list).contains(a, b).isSorted();
    }

    @Test
    void servesTheSameRoutesUnderApiV1() {
        var author = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Versioned"), List.of())
                .get("slug")
                .asText();

        assertThat(http.get("/api/v1/articles/" + slug).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/user", token(author.token())).status()).isEqualTo(200);
    }
}
