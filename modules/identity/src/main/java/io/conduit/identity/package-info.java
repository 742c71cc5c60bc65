/**
 * Identity: users (schema {@code identity}), registration, login, the current user, and sessions kept in Redis under {@code identity:}.
 */
@NullMarked
package io.conduit.identity;

import org.jspecify.annotations.NullMarked;
