package io.conduit.comments;

import io.conduit.platform.UserId;
import java.time.Instant;

/** One row of {@code comments.comment}. */
record CommentRow(long id, long articleId, UserId authorId, String body, Instant createdAt, Instant updatedAt) {}
