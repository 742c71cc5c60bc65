package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.create;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Anonymous reads are cached per instance, and a write on any instance invalidates every cache at once. */
class ResponseCacheIT {
    @RegisterExtension
    static final RunningApp first = new RunningApp();

    @RegisterExtension
    static final RunningApp second = new RunningApp();

    private static final Http a = first.http();
    private static final Http b = second.http();

    @Test
    void servesRepeatedReadsFromTheCacheButNeverACallersOwnFlagsToAnother() {
        var user = Users.register(a);
        String slug = create(a, user.token(), Users.unique("Cached"), List.of())
                .get("slug")
                .asText();
        a.get("/api/articles/" + slug);

        var cached = a.get("/api/articles/" + slug);
        var notModified = a.get("/api/articles/" + slug, "If-None-Match", cached.header("ETag"));
        var signedIn = a.get("/api/articles/" + slug, token(user.token()));
        a.post("/api/articles/" + slug + "/favorite", "", token(user.token()));
        a.get("/api/articles/" + slug);
        var flagged = a.get("/api/articles/" + slug, token(user.token()));

        assertThat(cached.header("X-Cache")).isEqualTo("hit");
        assertThat(cached.json().at("/article/slug").asText()).isEqualTo(slug);
        assertThat(cached.header("ETag"))
                .as("the tag kept with the bytes is theirs")
                .isEqualTo(tagOf(cached.body()));
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(a.get("/api/articles/" + slug, "If-None-Match", cached.header("ETag"))
                        .status())
                .as("the favorite changed the count: not the same body any more")
                .isEqualTo(200);
        var tagsCached = a.get("/api/tags");
        assertThat(a.get("/api/tags").header("ETag")).isEqualTo(tagOf(tagsCached.body()));
        assertThat(signedIn.header("X-Cache"))
                .as("no flag of the caller's: the shared bytes")
                .isEqualTo("hit");
        assertThat(signedIn.body()).isEqualTo(cached.body());
        assertThat(flagged.header("X-Cache")).as("the caller's own flag put on").isNull();
        assertThat(flagged.json().at("/article/favorited").asBoolean()).isTrue();
    }

    @Test
    void showsAWriteOnOneInstanceAtOnceInTheOtherInstancesCache() {
        var author = Users.register(a);
        String tag = Users.unique("fresh");
        b.get("/api/tags");
        b.get("/api/articles?limit=5");
        assertThat(b.get("/api/tags").header("X-Cache")).isEqualTo("hit");

        String slug = create(a, author.token(), Users.unique("Brand new"), List.of(tag))
                .get("slug")
                .asText();

        assertThat(b.get("/api/tags").json().get("tags").toString()).contains(tag);
        assertThat(ArticleRequests.slugs(b.get("/api/articles?limit=5"))).contains(slug);
        b.get("/api/articles/" + slug);
        a.put("/api/user", "{\"user\":{\"bio\":\"updated bio\"}}", token(author.token()));
        assertThat(b.get("/api/articles/" + slug)
                        .json()
                        .at("/article/author/bio")
                        .asText())
                .isEqualTo("updated bio");
        a.post(
                "/api/articles/" + slug + "/favorite",
                "",
                token(Users.register(a).token()));
        assertThat(b.get("/api/articles/" + slug)
                        .json()
                        .at("/article/favoritesCount")
                        .asInt())
                .isEqualTo(1);
        a.delete("/api/articles/" + slug, token(author.token()));
        assertThat(b.get("/api/articles/" + slug).status()).isEqualTo(404);
    }

    /** The API's ETag of a body, computed here independently: base64url of the first 128 bits of its SHA-256. */
    private static String tagOf(String body) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "\""
                    + java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(java.util.Arrays.copyOf(digest, 16))
                    + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
