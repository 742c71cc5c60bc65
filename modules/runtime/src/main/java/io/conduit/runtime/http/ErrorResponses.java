package io.conduit.runtime.http;

import io.conduit.platform.ApiError;
import io.conduit.platform.Conflict;
import io.conduit.platform.Forbidden;
import io.conduit.platform.Invalid;
import io.conduit.platform.NotFound;
import io.conduit.platform.RootCause;
import io.conduit.platform.Unauthorized;
import io.conduit.platform.Unavailable;
import io.conduit.platform.http.Responses;
import io.conduit.platform.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the RealWorld error body {@code {"errors": {"key": ["message"]}}}.
 * Never a stack trace or SQL text in a response: unexpected exceptions are logged with the request
 * id and answered with a generic 500.
 */
final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final Duration DATABASE_RETRY = Duration.ofSeconds(2);

    private ErrorResponses() {}

    static void register(RoutesConfig routes) {
        routes.exception(ApiError.class, (e, ctx) -> write(ctx, e));
        routes.exception(HttpResponseException.class, ErrorResponses::writeFramework);
        routes.exception(Exception.class, ErrorResponses::writeUnexpected);
    }

    static void write(Context ctx, ApiError error) {
        HttpStatus status = switch (error) {
            case Invalid _ -> HttpStatus.UNPROCESSABLE_CONTENT;
            case Conflict _ -> HttpStatus.CONFLICT;
            case Unauthorized _ -> HttpStatus.UNAUTHORIZED;
            case Forbidden _ -> HttpStatus.FORBIDDEN;
            case NotFound _ -> HttpStatus.NOT_FOUND;
            case Unavailable u -> {
                ctx.header(
                        "Retry-After", Long.toString(Math.max(1, u.retryAfter().toSeconds())));
                yield HttpStatus.SERVICE_UNAVAILABLE;
            }
        };
        if (status == HttpStatus.UNAUTHORIZED) {
            ctx.header("WWW-Authenticate", "Token");
        }
        body(ctx, status.getCode(), error.errors());
    }

    private static void writeFramework(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 405) {
            ctx.header("Allow", String.join(", ", e.getDetails().values()).toUpperCase(java.util.Locale.ROOT));
        }
        if (status == 400) {
            body(ctx, 422, Map.of("body", List.of("is invalid")));
            return;
        }
        body(ctx, status, errorsFor(status));
    }

    /**
     * The errors of a status the server produces on its own, without a message from the code that
     * refused (Jetty's or Javalin's text names the server and is not meant for clients).
     */
    static Map<String, List<String>> errorsFor(int status) {
        return switch (status) {
            case 400 -> Map.of("request", List.of("is malformed"));
            case 404 -> Map.of("route", List.of("not found"));
            case 405 -> Map.of("method", List.of("not allowed"));
            case 408 -> Map.of("request", List.of("took too long"));
            case 411 -> Map.of("body", List.of("needs a Content-Length"));
            case 413 -> Map.of("body", List.of("is too large"));
            case 414 -> Map.of("path", List.of("is too long"));
            case 415 -> Map.of("Content-Type", List.of("must be application/json"));
            case 431 -> Map.of("headers", List.of("are too large"));
            case 501 -> Map.of("request", List.of("uses something this server does not implement"));
            case 503 -> Map.of("server", List.of("is unavailable"));
            case 505 -> Map.of("HTTP version", List.of("is not supported"));
            default ->
                status >= 500 ? Map.of("server", List.of("unexpected error")) : Map.of("request", List.of("failed"));
        };
    }

    /** The JSON body for {@code status}, for writers outside Javalin (Jetty's error handler). */
    static byte[] bodyFor(int status) {
        try {
            return Json.mapper().writeValueAsBytes(new ErrorBody(errorsFor(status)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an error body always serialises", e);
        }
    }

    private static void writeUnexpected(Exception e, Context ctx) {
        if (readOnlyDatabase(e)) {
            log.warn("a write reached a read-only database: {}", RootCause.describe(e));
            write(ctx, WriteGate.readOnly());
            return;
        }
        String dependency = unavailableDependency(e);
        if (dependency != null) {
            log.warn("{} is unavailable: {}", dependency, RootCause.describe(e));
            write(ctx, new Unavailable(dependency, DATABASE_RETRY));
            return;
        }
        log.error("unexpected failure", e);
        body(ctx, 500, Map.of("server", List.of("unexpected error")));
    }

    /**
     * SQLSTATE 25006 (read_only_sql_transaction): the database is a replica, in recovery, or set
     * read-only; the transaction changed nothing and was rolled back.
     */
    private static boolean readOnlyDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "25006".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Connection failures, timeouts, shutdowns and transient conflicts of PostgreSQL are a 503, not a 500. */
    private static @Nullable String unavailableDependency(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return "database";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 40001/40P01: a serialization failure or a deadlock victim, rolled back as a whole:
                // a retry can succeed, so it is a 503 with Retry-After, not a 500.
                if (state.startsWith("08")
                        || state.startsWith("57P")
                        || state.equals("57014")
                        || state.equals("53300")
                        || state.equals("40001")
                        || state.equals("40P01")) {
                    return "database";
                }
            }
        }
        return null;
    }

    private static void body(Context ctx, int status, Map<String, List<String>> errors) {
        ctx.status(status);
        Responses.json(ctx, new ErrorBody(errors));
    }

    record ErrorBody(Map<String, List<String>> errors) {}
}
