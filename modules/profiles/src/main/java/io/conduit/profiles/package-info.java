/**
 * Profiles: public profiles and follows (schema {@code profiles}). Built in the API issue.
 */
@NullMarked
package io.conduit.profiles;

import org.jspecify.annotations.NullMarked;
