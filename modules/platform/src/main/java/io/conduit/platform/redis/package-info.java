/** Redis access for every module: one pool with explicit timeouts, failures turned into 503s. */
@NullMarked
package io.conduit.platform.redis;

import org.jspecify.annotations.NullMarked;
