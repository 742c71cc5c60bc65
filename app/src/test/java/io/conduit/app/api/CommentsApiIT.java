package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.comment;
import static io.conduit.app.api.ArticleRequests.create;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Comments: article before comment, 401 before 404, only the author deletes. */
class CommentsApiIT {
    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();

    @Test
    void addsACommentWith201AndAnIntegerIdAndListsNewestFirst() {
        var author = Users.register(http);
        var reader = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Discussed"), List.of())
                .get("slug")
                .asText();

        var first = http.post("/api/articles/" + slug + "/comments", comment("first!"), token(reader.token()));
        var second = http.post("/api/articles/" + slug + "/comments", comment("second"), token(author.token()));
        var list = http.get("/api/articles/" + slug + "/comments");

        assertThat(first.status()).isEqualTo(201);
        var created = first.json().get("comment");
        assertThat(created.get("id").isIntegralNumber()).isTrue();
        assertThat(created.get("body").asText()).isEqualTo("first!");
        assertThat(created.at("/author/username").asText()).isEqualTo(reader.username());
        assertThat(created.get("createdAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        var comments = list.json().get("comments");
        assertThat(comments).hasSize(2);
        assertThat(comments.get(0).get("id").asLong())
                .isEqualTo(second.json().at("/comment/id").asLong());
        assertThat(comments.get(1).get("body").asText()).isEqualTo("first!");
    }

    @Test
    void computesFollowingOfCommentAuthorsForTheCaller() {
        var author = Users.register(http);
        var reader = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Followed comments"), List.of())
                .get("slug")
                .asText();
        http.post("/api/articles/" + slug + "/comments", comment("hello"), token(author.token()));
        http.post("/api/profiles/" + author.username() + "/follow", "", token(reader.token()));

        var list = http.get("/api/articles/" + slug + "/comments", token(reader.token()));

        assertThat(list.json().at("/comments/0/author/following").asBoolean()).isTrue();
    }

    @Test
    void answersUnknownArticleBeforeUnknownComment() {
        var user = Users.register(http);
        String slug = create(http, user.token(), Users.unique("Commentless"), List.of())
                .get("slug")
                .asText();
        String unknownSlug = Users.unique("missing");

        assertThat(http.delete("/api/articles/" + unknownSlug + "/comments/1", token(user.token()))
                        .errors())
                .containsEntry("article", "not found");
        assertThat(http.delete("/api/articles/" + slug + "/comments/999999999", token(user.token()))
                        .errors())
                .containsEntry("comment", "not found");
        assertThat(http.get("/api/articles/" + unknownSlug + "/comments").errors())
                .containsEntry("article", "not found");
        assertThat(http.post("/api/articles/" + unknownSlug + "/comments", comment("x"), token(user.token()))
                        .errors())
                .containsEntry("article", "not found");
        assertThat(http.delete("/api/articles/" + unknownSlug + "/comments/1").status())
                .isEqualTo(401);
        assertThat(http.post("/api/articles/" + slug + "/comments", comment("x"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void letsOnlyTheCommentsAuthorDeleteIt() {
        var author = Users.register(http);
        var other = Users.register(http);
        String slug = create(http, author.token(), Users.unique("Guarded"), List.of())
                .get("slug")
                .asText();
        long id = http.post("/api/articles/" + slug + "/comments", comment("mine"), token(author.token()))
                .json()
                .at("/comment/id")
                .asLong();

        var forbidden = http.delete("/api/articles/" + slug + "/comments/" + id, token(other.token()));
        var deleted = http.delete("/api/articles/" + slug + "/comments/" + id, token(author.token()));

        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.errors()).containsEntry("comment", "forbidden");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(http.get("/api/articles/" + slug + "/comments").json().get("comments"))
                .isEmpty();
    }

    @Test
    void rejectsABlankOrMissingCommentWith422() {
        var user = Users.register(http);
        String slug = create(http, user.token(), Users.unique("Silent"), List.of())
                .get("slug")
                .asText();

        assertThat(http.post("/api/articles/" + slug + "/comments", comment("  "), token(user.token()))
                        .errors())
                .containsEntry("body", "can't be blank");
        assertThat(http.post("/api/articles/" + slug + "/comments", "{}", token(user.token()))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":7}}", token(user.token()))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/articles/" + slug + "/comments", comment("x".repeat(10_001)), token(user.token()))
                        .status())
                .isEqualTo(422);
    }
}
