/**
 * {@code Idempotency-Key} records in PostgreSQL, where the writes they protect live: {@link
 * io.conduit.platform.idempotency.IdempotencyStore} claims, completes and replays them, and {@link
 * io.conduit.platform.idempotency.IdempotentCommits} marks the key inside the request's own
 * transaction, so a committed request is never run twice.
 */
@NullMarked
package io.conduit.platform.idempotency;

import org.jspecify.annotations.NullMarked;
