package io.conduit.platform.http;

import io.conduit.platform.ApiError;
import io.conduit.platform.Conflict;
import io.conduit.platform.Forbidden;
import io.conduit.platform.Invalid;
import io.conduit.platform.NotFound;
import io.conduit.platform.RootCause;
import io.conduit.platform.Unauthorized;
import io.conduit.platform.Unavailable;
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
        Map<String, List<String>> errors = switch (status) {
            case 404 -> Map.of("route", List.of("not found"));
            case 405 -> {
                ctx.header("Allow", String.join(", ", e.getDetails().values()).toUpperCase(java.util.Locale.ROOT));
                yield Map.of("method", List.of("not allowed"));
            }
            case 413 -> Map.of("body", List.of("is too large"));
            case 400, 422 -> Map.of("body", List.of("is invalid"));
            default -> Map.of("request", List.of(e.getMessage() == null ? "failed" : e.getMessage()));
        };
        body(ctx, status == 400 ? 422 : status, errors);
    }

    private static void writeUnexpected(Exception e, Context ctx) {
        String dependency = unavailableDependency(e);
        if (dependency != null) {
            log.warn("{} is unavailable: {}", dependency, RootCause.describe(e));
            write(ctx, new Unavailable(dependency, DATABASE_RETRY));
            return;
        }
        log.error("unexpected failure", e);
        body(ctx, 500, Map.of("server", List.of("unexpected error")));
    }

    /** Connection failures, timeouts and shutdowns of PostgreSQL are a 503, not a 500. */
    private static @Nullable String unavailableDependency(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return "database";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")
                        || state.startsWith("57P")
                        || state.equals("57014")
                        || state.equals("53300")) {
                    return "database";
                }
            }
        }
        return null;
    }

    private static void body(Context ctx, int status, Map<String, List<String>> errors) {
        ctx.status(status).json(new ErrorBody(errors));
    }

    record ErrorBody(Map<String, List<String>> errors) {}
}
