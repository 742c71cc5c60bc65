package io.conduit.runtime.http;

import io.conduit.platform.Unavailable;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Refuses writes at once, before anything of them runs, while the database takes none: a read-only
 * replica (a standby region before its failover), a database in recovery, or one whose {@code
 * default_transaction_read_only} is on. Reads go on. The answer is a 503 with {@code Retry-After}
 * that says why; when the database takes writes again (promoted), the next write goes through.
 * Writes that touch only Redis (logging in, logging out) are not the database's to refuse. A write
 * that still reaches a read-only database (between two probes) fails there with SQLSTATE 25006,
 * which {@link ErrorResponses} answers the same way.
 */
final class WriteGate {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final String MESSAGE = "is read-only for now (failover): writes are refused, reads work; retry later";

    /** Routes (without the API prefix) that write to Redis only. */
    private static final Set<String> REDIS_ONLY =
            Set.of("POST /users/login", "DELETE /user/session", "DELETE /user/sessions");

    private final BooleanSupplier databaseReadOnly;

    WriteGate(BooleanSupplier databaseReadOnly) {
        this.databaseReadOnly = databaseReadOnly;
    }

    static Unavailable readOnly() {
        return new Unavailable("database", MESSAGE, RETRY_AFTER);
    }

    void apply(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET
                || method == HandlerType.HEAD
                || method == HandlerType.OPTIONS
                || !databaseReadOnly.getAsBoolean()) {
            return;
        }
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? ctx.path() : endpoint.path;
        if (!REDIS_ONLY.contains(method + " " + withoutPrefix(route))) {
            throw readOnly();
        }
    }

    private static String withoutPrefix(String path) {
        for (String prefix : HttpServer.API_PREFIXES.reversed()) {
            if (path.startsWith(prefix + "/")) {
                return path.substring(prefix.length());
            }
        }
        return path;
    }
}
