package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import io.conduit.platform.UserId;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An article is gone; modules holding things that hang off it remove them. {@code slug}, {@code
 * authorId} and {@code tags} are null in events recorded before they were added.
 */
public record ArticleDeleted(
        ArticleId articleId,
        Instant deletedAt,
        @Nullable String slug,
        @Nullable UserId authorId,
        @Nullable List<String> tags)
        implements DomainEvent {}
