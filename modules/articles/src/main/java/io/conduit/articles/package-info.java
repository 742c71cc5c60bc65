/**
 * Articles: articles, tags, favorites, list filters and the feed (schema {@code articles}). Built in the API issue.
 */
@NullMarked
package io.conduit.articles;

import org.jspecify.annotations.NullMarked;
