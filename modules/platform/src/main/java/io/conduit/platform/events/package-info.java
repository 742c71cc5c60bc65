/**
 * Domain events through a transactional outbox: {@link io.conduit.platform.events.Events#publish}
 * writes one row per subscriber on the caller's transaction; the runtime's outbox relay delivers
 * them at least once, on any instance.
 */
@NullMarked
package io.conduit.platform.events;

import org.jspecify.annotations.NullMarked;
