package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import io.conduit.platform.UserId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An article is gone; modules holding things that hang off it remove them. {@code slug} and {@code
 * authorId} are null in events recorded before they were added.
 */
public record ArticleDeleted(
        ArticleId articleId,
        Instant deletedAt,
        @Nullable String slug,
        @Nullable UserId authorId) implements DomainEvent {}
