/**
 * Composition root: configuration, wiring of the modules, dev mode, start and stop.
 */
@NullMarked
package io.conduit.app;

import org.jspecify.annotations.NullMarked;
