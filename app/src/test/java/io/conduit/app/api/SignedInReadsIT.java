package io.conduit.app.api;

import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed-in reads on two instances, now served from memory (the shared page, the caller's kept
 * favorites, follows, session and user row): each instance first serves a warm read without
 * loading (the metrics say so, or these tests would prove nothing), and then every write — a
 * favorite, a follow, a profile change, a logout — is seen by the writer's next read on either
 * instance at once.
 */
class SignedInReadsIT {
    private static final Pattern KEPT = Pattern.compile("redis_tracking_gets_total\\{result=\"kept\",?\\} (\\S+)");

    @RegisterExtension
    static final RunningApp app = new RunningApp();

    @RegisterExtension
    static final RunningApp other = new RunningApp();

    private static final Http here = app.http();
    private static final Http there = other.http();

    @Test
    void aFavoriteAndAFollowShowOnTheCallersNextReadOnEitherInstance() {
        var author = Users.register(here);
        var reader = Users.register(here);
        String slug = ArticleRequests.create(here, author.token(), Users.unique("kept"), List.of())
                .get("slug")
                .asText();
        warm(slug, author.username(), reader);
        assertThat(there.get("/api/articles?favorited=" + reader.username())
                        .json()
                        .get("articlesCount")
                        .asLong())
                .isZero();

        assertThat(here.post("/api/articles/" + slug + "/favorite", "", token(reader.token()))
                        .status())
                .isEqualTo(200);
        for (Http instance : List.of(here, there)) {
            JsonNode article = instance.get("/api/articles/" + slug, token(reader.token()))
                    .json()
                    .get("article");
            assertThat(article.get("favorited").asBoolean()).isTrue();
            assertThat(article.get("favoritesCount").asLong()).isOne();
            JsonNode listed = first(instance.get("/api/articles?author=" + author.username(), token(reader.token())));
            assertThat(listed.get("favorited").asBoolean()).isTrue();
            assertThat(listed.get("favoritesCount").asLong()).isOne();
            JsonNode listedAnonymously = first(instance.get("/api/articles?author=" + author.username()));
            assertThat(listedAnonymously.get("favoritesCount").asLong())
                    .as("the count is put on the page cached before the favorite")
                    .isOne();
            assertThat(listedAnonymously.get("favorited").asBoolean()).isFalse();
            assertThat(ArticleRequests.slugs(instance.get("/api/articles?favorited=" + reader.username())))
                    .as("the lists by favoriting user")
                    .containsExactly(slug);
        }
        JsonNode anonymous = here.get("/api/articles/" + slug).json().get("article");
        assertThat(anonymous.get("favorited").asBoolean())
                .as("the flag is the caller's own")
                .isFalse();
        assertThat(anonymous.get("favoritesCount").asLong()).isOne();

        assertThat(there.post("/api/profiles/" + author.username() + "/follow", "", token(reader.token()))
                        .status())
                .isEqualTo(200);
        for (Http instance : List.of(there, here)) {
            JsonNode listed = first(instance.get("/api/articles?author=" + author.username(), token(reader.token())));
            assertThat(listed.at("/author/following").asBoolean()).isTrue();
            assertThat(first(instance.get("/api/articles/feed", token(reader.token())))
                            .get("slug")
                            .asText())
                    .isEqualTo(slug);
        }

        assertThat(there.delete("/api/articles/" + slug + "/favorite", token(reader.token()))
                        .status())
                .isEqualTo(200);
        assertThat(here.delete("/api/profiles/" + author.username() + "/follow", token(reader.token()))
                        .status())
                .isEqualTo(200);
        for (Http instance : List.of(here, there)) {
            JsonNode article = instance.get("/api/articles/" + slug, token(reader.token()))
                    .json()
                    .get("article");
            assertThat(article.get("favorited").asBoolean()).isFalse();
            assertThat(article.get("favoritesCount").asLong()).isZero();
            assertThat(article.at("/author/following").asBoolean()).isFalse();
            assertThat(first(instance.get("/api/articles?author=" + author.username()))
                            .get("favoritesCount")
                            .asLong())
                    .isZero();
            assertThat(instance.get("/api/articles/feed", token(reader.token()))
                            .json()
                            .get("articlesCount")
                            .asLong())
                    .isZero();
        }
    }

    @Test
    void aCommentANewArticleAndARenameShowOnEitherInstanceAtOnce() {
        var author = Users.register(here);
        var reader = Users.register(here);
        here.post("/api/profiles/" + author.username() + "/follow", "", token(reader.token()));
        String slug = ArticleRequests.create(here, author.token(), Users.unique("Talked about"), List.of())
                .get("slug")
                .asText();
        for (Http instance : List.of(here, there)) {
            assertServedFromMemory(instance, () -> {
                instance.get("/api/articles/" + slug + "/comments");
                instance.get("/api/articles/feed", token(reader.token()));
                return instance.get("/api/articles/" + slug + "/comments", token(reader.token()));
            });
        }

        var comment = here.post(
                "/api/articles/" + slug + "/comments", ArticleRequests.comment("first"), token(author.token()));
        assertThat(comment.status()).isEqualTo(201);
        String later = ArticleRequests.create(there, author.token(), Users.unique("Later"), List.of())
                .get("slug")
                .asText();

        for (Http instance : List.of(there, here)) {
            JsonNode comments = instance.get("/api/articles/" + slug + "/comments", token(reader.token()))
                    .json();
            assertThat(comments.at("/comments/0/body").asText()).isEqualTo("first");
            assertThat(comments.at("/comments/0/author/following").asBoolean())
                    .as("the reader follows")
                    .isTrue();
            JsonNode anonymous =
                    instance.get("/api/articles/" + slug + "/comments").json();
            assertThat(anonymous.get("comments").size()).isOne();
            assertThat(anonymous.at("/comments/0/author/following").asBoolean()).isFalse();
            assertThat(first(instance.get("/api/articles/feed", token(reader.token())))
                            .get("slug")
                            .asText())
                    .isEqualTo(later);
        }

        var renamed = here.put(
                "/api/articles/" + slug,
                "{\"article\":{\"title\":\"" + Users.unique("Renamed") + "\"}}",
                token(author.token()));
        assertThat(renamed.status()).isEqualTo(200);
        String newSlug = renamed.json().at("/article/slug").asText();
        for (Http instance : List.of(there, here)) {
            assertThat(instance.get("/api/articles/" + slug + "/comments").status())
                    .isEqualTo(404);
            assertThat(instance.get("/api/articles/" + slug).status()).isEqualTo(404);
            assertThat(instance.get("/api/articles/" + newSlug + "/comments")
                            .json()
                            .get("comments")
                            .size())
                    .isOne();
        }
    }

    @Test
    void aProfileChangeShowsInTheCurrentUserOnEitherInstanceAtOnce() {
        var user = Users.register(here);
        assertServedFromMemory(there, () -> there.get("/api/user", token(user.token())));

        var change = here.put("/api/user", "{\"user\":{\"bio\":\"changed here\"}}", token(user.token()));

        assertThat(change.status()).isEqualTo(200);
        assertThat(there.get("/api/user", token(user.token()))
                        .json()
                        .at("/user/bio")
                        .asText())
                .isEqualTo("changed here");
        assertThat(here.get("/api/user", token(user.token()))
                        .json()
                        .at("/user/bio")
                        .asText())
                .isEqualTo("changed here");
    }

    @Test
    void aLogoutIsRefusedOnTheOtherInstanceWithinASecond() {
        var user = Users.register(here);
        assertServedFromMemory(there, () -> there.get("/api/user", token(user.token())));

        long start = System.nanoTime();
        assertThat(here.delete("/api/user/session", token(user.token())).status())
                .isEqualTo(204);
        int status;
        do {
            status = there.get("/api/user", token(user.token())).status();
        } while (status == 200
                && System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status).isEqualTo(401);
        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(here.get("/api/user", token(user.token())).status()).isEqualTo(401);
    }

    /** Reads the article, a list and the feed on both instances until each serves them from memory. */
    private static void warm(String slug, String author, Users.Registered reader) {
        String token = reader.token();
        for (Http instance : List.of(here, there)) {
            assertServedFromMemory(instance, () -> {
                instance.get("/api/articles?author=" + author, token(token));
                instance.get("/api/articles?author=" + author);
                instance.get("/api/articles?favorited=" + reader.username());
                instance.get("/api/articles/feed", token(token));
                return instance.get("/api/articles/" + slug, token(token));
            });
        }
    }

    /**
     * Runs {@code read} until a run of it takes values from memory (tracking becomes live a moment
     * after start), and checks its answer was a 200.
     */
    private static void assertServedFromMemory(Http instance, java.util.function.Supplier<Http.Response> read) {
        Http admin = instance == here ? new Http(app.adminUrl()) : new Http(other.adminUrl());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            read.get();
            double before = kept(admin);
            assertThat(read.get().status()).isEqualTo(200);
            if (kept(admin) > before) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("a warm read took values from memory")
                    .isLessThan(deadline);
        }
    }

    private static double kept(Http admin) {
        Matcher m = KEPT.matcher(admin.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static JsonNode first(Http.Response list) {
        assertThat(list.status()).isEqualTo(200);
        return list.json().get("articles").get(0);
    }
}
