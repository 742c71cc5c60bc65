/**
 * The HTTP server the composition root starts: Javalin on Jetty, the JSON error mapper, request
 * ids, CORS, access log and HTTP metrics, authentication of {@code Authorization: Token} headers,
 * rate limiting, {@code Idempotency-Key} handling, the response cache, health endpoints.
 */
@NullMarked
package io.conduit.runtime.http;

import org.jspecify.annotations.NullMarked;
