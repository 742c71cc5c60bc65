package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import io.conduit.platform.UserId;
import java.time.Instant;

/**
 * A user favorited or unfavorited an article: its count and that user's favorites changed (both
 * kept per article and per user), and so did the lists filtered by a favoriting user.
 */
public record ArticleFavorited(ArticleId articleId, UserId userId, boolean favorited, Instant at)
        implements DomainEvent {}
