/**
 * Comments on articles (schema {@code comments}). Built in the API issue.
 */
@NullMarked
package io.conduit.comments;

import org.jspecify.annotations.NullMarked;
