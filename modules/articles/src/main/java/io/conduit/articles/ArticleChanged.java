package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import java.time.Instant;

/** An article was created, edited, favorited or unfavorited: what every reader sees of it changed. */
public record ArticleChanged(ArticleId articleId, Instant changedAt) implements DomainEvent {}
