package io.conduit.comments;

import io.conduit.articles.ArticleId;
import io.conduit.platform.DomainEvent;
import java.time.Instant;

/** A comment was added to or removed from the article read by {@code slug}. */
public record CommentsChanged(ArticleId articleId, String slug, Instant changedAt) implements DomainEvent {}
