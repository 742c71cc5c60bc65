package io.conduit.runtime.http;

import java.util.OptionalLong;

/**
 * Per-request counters filled in by lower layers and read by them or the access log: the SQL
 * statements the request ran (the access log's {@code dbStatements}) and how long it has waited
 * for database connections so far (the pool keeps each request within one budget for that, however
 * many times it borrows). Requests run one per (virtual) thread, so a thread-local is the request
 * scope.
 */
public final class RequestStats {
    private static final ThreadLocal<Counters> CURRENT = new ThreadLocal<>();

    private RequestStats() {}

    /** Called for every SQL statement executed; counts it if a request is being served. */
    public static void statementExecuted() {
        Counters counters = CURRENT.get();
        if (counters != null) {
            counters.statements++;
        }
    }

    /** Adds a wait for a database connection to the current request's total, if one is served. */
    public static void databaseWaited(long nanos) {
        Counters counters = CURRENT.get();
        if (counters != null) {
            counters.databaseWaitNanos += nanos;
        }
    }

    /** How long the current request has waited for database connections; empty outside a request. */
    public static OptionalLong databaseWaitNanos() {
        Counters counters = CURRENT.get();
        return counters == null ? OptionalLong.empty() : OptionalLong.of(counters.databaseWaitNanos);
    }

    static void begin() {
        CURRENT.set(new Counters());
    }

    static int end() {
        Counters counters = CURRENT.get();
        CURRENT.remove();
        return counters == null ? 0 : counters.statements;
    }

    private static final class Counters {
        private int statements;
        private long databaseWaitNanos;
    }
}
