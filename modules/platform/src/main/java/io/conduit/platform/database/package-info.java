/**
 * How the modules' Jdbi meets PostgreSQL: the one mapping between {@link java.time.Instant} and
 * {@code timestamptz}, installed wherever a {@code Jdbi} is created.
 */
@NullMarked
package io.conduit.platform.database;

import org.jspecify.annotations.NullMarked;
