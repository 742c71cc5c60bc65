package io.conduit.articles;

import io.conduit.platform.UserId;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An article as read for one viewer: its tags (sorted), how many favorited it and whether the
 * viewer did. {@code body} is null in lists, which never carry it.
 */
record ArticleRow(
        ArticleId id,
        String slug,
        String title,
        String description,
        @Nullable String body,
        UserId authorId,
        Instant createdAt,
        Instant updatedAt,
        List<String> tags,
        long favoritesCount,
        boolean favorited) {
    /** This row with {@code favoritesCount} as given. */
    ArticleRow countedAs(long count) {
        return count == favoritesCount
                ? this
                : new ArticleRow(
                        id, slug, title, description, body, authorId, createdAt, updatedAt, tags, count, favorited);
    }

    /** This row with {@code favorited} as given. */
    ArticleRow favoritedBy(boolean viewer) {
        return viewer == favorited
                ? this
                : new ArticleRow(
                        id,
                        slug,
                        title,
                        description,
                        body,
                        authorId,
                        createdAt,
                        updatedAt,
                        tags,
                        favoritesCount,
                        viewer);
    }
}
