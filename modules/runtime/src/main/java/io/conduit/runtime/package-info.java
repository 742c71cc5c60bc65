/**
 * The runtime only the composition root wires: the HTTP server, the idempotency store, the outbox
 * relay, the Redis client and the schema migrations. Domain modules never see it; they compile
 * against the kernel ({@code io.conduit.platform}). Only their tests' support ({@code
 * conduit-testing}) uses it, to migrate a test database as the composition root does.
 */
@NullMarked
package io.conduit.runtime;

import org.jspecify.annotations.NullMarked;
