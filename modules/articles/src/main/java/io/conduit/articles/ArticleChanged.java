package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import io.conduit.platform.UserId;
import java.time.Instant;
import java.util.List;

/**
 * An article was created or edited: what every reader sees of it changed. {@code slugs}: the slugs
 * it was reachable by before and after the change (one, or two when an edit gave it a new one);
 * {@code tags}: the tags it had before or has after.
 */
public record ArticleChanged(
        ArticleId articleId, UserId authorId, List<String> slugs, List<String> tags, Instant changedAt)
        implements DomainEvent {}
