package io.conduit.articles;

import io.conduit.platform.DomainEvent;
import java.time.Instant;

/** An article is gone; modules holding things that hang off it remove them. */
public record ArticleDeleted(ArticleId articleId, Instant deletedAt) implements DomainEvent {}
