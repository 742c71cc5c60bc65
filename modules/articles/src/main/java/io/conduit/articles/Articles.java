package io.conduit.articles;

import java.util.Optional;

/** The articles facade other modules call. */
public interface Articles {
    /** The article behind a slug: its id and author, for modules that hang things off articles. */
    Optional<ArticleRef> bySlug(String slug);
}
