package io.conduit.comments;

import io.conduit.platform.Invalid;
import io.conduit.platform.Timestamps;
import io.conduit.profiles.ProfileView;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The wire format of comments: {@code {"comment": {...}}} and {@code {"comments": [...]}}. */
final class CommentJson {
    private CommentJson() {}

    record NewCommentRequest(@Nullable NewComment comment) {}

    record NewComment(@Nullable String body) {}

    record SingleComment(CommentBody comment) {}

    record MultipleComments(List<CommentBody> comments) {}

    record CommentBody(long id, String createdAt, String updatedAt, String body, Author author) {}

    record Author(
            String username, @Nullable String bio, @Nullable String image, boolean following) {}

    static String body(NewCommentRequest request) {
        if (request.comment() == null) {
            throw new Invalid("comment", Invalid.BLANK);
        }
        return Objects.requireNonNullElse(request.comment().body(), "");
    }

    static SingleComment single(CommentPage page) {
        return new SingleComment(body(page, page.rows().getFirst()));
    }

    static MultipleComments multiple(CommentPage page) {
        return new MultipleComments(page.rows().stream()
                .filter(row -> page.authors().containsKey(row.authorId()))
                .map(row -> body(page, row))
                .toList());
    }

    private static CommentBody body(CommentPage page, CommentRow row) {
        ProfileView author = page.authors().get(row.authorId());
        return new CommentBody(
                row.id(),
                Timestamps.format(row.createdAt()),
                Timestamps.format(row.updatedAt()),
                row.body(),
                new Author(author.username(), author.bio(), author.image(), author.following()));
    }
}
