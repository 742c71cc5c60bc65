/**
 * The HTTP kernel: the Javalin server, the error mapper, request ids, CORS, access log and HTTP
 * metrics, authentication of {@code Authorization: Token} headers, health endpoints.
 */
@NullMarked
package io.conduit.platform.http;

import org.jspecify.annotations.NullMarked;
