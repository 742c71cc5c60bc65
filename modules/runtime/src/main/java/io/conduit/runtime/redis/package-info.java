/**
 * The Redis client behind the kernel's port: one pool with explicit timeouts, a circuit breaker,
 * riding through a failover, failures turned into 503s; the rate limiter and the content version.
 */
@NullMarked
package io.conduit.runtime.redis;

import org.jspecify.annotations.NullMarked;
