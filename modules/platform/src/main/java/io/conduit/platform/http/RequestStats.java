package io.conduit.platform.http;

/**
 * Per-request counters filled in by lower layers (the database statement count) and written to the
 * access log line. Requests run one per (virtual) thread, so a thread-local is the request scope.
 */
public final class RequestStats {
    private static final ThreadLocal<int[]> STATEMENTS = new ThreadLocal<>();

    private RequestStats() {}

    /** Called for every SQL statement executed; counts it if a request is being served. */
    public static void statementExecuted() {
        int[] count = STATEMENTS.get();
        if (count != null) {
            count[0]++;
        }
    }

    static void begin() {
        STATEMENTS.set(new int[1]);
    }

    static int end() {
        int[] count = STATEMENTS.get();
        STATEMENTS.remove();
        return count == null ? 0 : count[0];
    }
}
