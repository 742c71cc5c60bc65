/** The outbox relay: delivers the events {@code platform.events} recorded, at least once, on any instance. */
@NullMarked
package io.conduit.runtime.events;

import org.jspecify.annotations.NullMarked;
