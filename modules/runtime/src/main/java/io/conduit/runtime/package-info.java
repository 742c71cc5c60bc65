/**
 * The runtime only the composition root wires: the HTTP server, the idempotency store, the outbox
 * relay and the Redis client. Domain modules never see it; they compile against the kernel
 * ({@code io.conduit.platform}).
 */
@NullMarked
package io.conduit.runtime;

import org.jspecify.annotations.NullMarked;
