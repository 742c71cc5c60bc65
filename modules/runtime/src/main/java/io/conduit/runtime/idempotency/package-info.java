/**
 * {@code Idempotency-Key} requests, exactly once by construction: {@link
 * io.conduit.runtime.idempotency.IdempotencyStore} runs a keyed request in one transaction, locked
 * on its key, that commits the request's writes with its response ({@link
 * io.conduit.runtime.idempotency.RequestTransaction} makes every module's database call join it).
 */
@NullMarked
package io.conduit.runtime.idempotency;

import org.jspecify.annotations.NullMarked;
