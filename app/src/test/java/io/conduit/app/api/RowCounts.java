package io.conduit.app.api;

import java.util.ArrayList;
import java.util.Map;

/**
 * Rows in every module's tables (the outbox included; not the idempotency records, which are the
 * mechanism, not an effect), counted in one round trip: what a request changed, for the tests that
 * cover every route generically.
 */
final class RowCounts {
    private static String query;

    static Map<String, Long> now() throws Exception {
        try (var connection = Database.connect()) {
            if (query == null) {
                var tables = new ArrayList<String>();
                try (var rs = connection.prepareStatement("""
                                select table_schema || '.' || table_name from information_schema.tables
                                where table_type = 'BASE TABLE'
                                  and table_schema in ('platform', 'identity', 'profiles', 'articles', 'comments')
                                  and table_name <> 'flyway_schema_history'
                                  and (table_schema, table_name) <> ('platform', 'idempotency_key')
                                order by 1
                                """).executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                if (!tables.containsAll(java.util.List.of("comments.comment", "platform.event_publication"))) {
                    throw new AssertionError("the module tables were not found: " + tables);
                }
                query = "select "
                        + String.join(
                                ", ",
                                tables.stream()
                                        .map(t -> "(select count(*) from " + t + ") as \"" + t + "\"")
                                        .toList());
            }
            try (var rs = connection.prepareStatement(query).executeQuery()) {
                rs.next();
                var counts = new java.util.TreeMap<String, Long>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    counts.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                }
                return counts;
            }
        }
    }

    /** Waits until the outbox relay has delivered every event, so that its reactions are in the counts. */
    static void awaitOutbox() throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (Database.count("select count(*) from platform.event_publication where completed_at is null") > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the outbox did not drain within 10 s");
            }
            Thread.sleep(50);
        }
    }
}
