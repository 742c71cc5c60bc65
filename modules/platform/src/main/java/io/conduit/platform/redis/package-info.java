/** Redis as modules see it (the {@link io.conduit.platform.redis.Redis} port) and rate-limit policies. */
@NullMarked
package io.conduit.platform.redis;

import org.jspecify.annotations.NullMarked;
