/**
 * The one JSON mapper and the checks every parsed string passes (text PostgreSQL can store). A
 * neutral kernel: the HTTP server reads and writes bodies with it, the outbox stores event payloads
 * with it, and modules' {@code *Json} wire records read partial updates with {@link
 * io.conduit.platform.json.JsonFields}. Knows no HTTP.
 */
@NullMarked
package io.conduit.platform.json;

import org.jspecify.annotations.NullMarked;
