/**
 * Route access for modules: {@link io.conduit.platform.http.HttpModule} (a module's routes), each
 * route's {@link io.conduit.platform.http.Access} and {@link io.conduit.platform.http.RouteLimits},
 * the {@link io.conduit.platform.http.Caller} a handler sees, request helpers, and the anonymous
 * response cache as routes use it. The server that runs them is in the runtime.
 */
@NullMarked
package io.conduit.platform.http;

import org.jspecify.annotations.NullMarked;
