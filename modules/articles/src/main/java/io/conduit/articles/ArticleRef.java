package io.conduit.articles;

import io.conduit.platform.UserId;

/** The identity of an article: what comments needs to know. */
public record ArticleRef(ArticleId id, UserId authorId) {}
