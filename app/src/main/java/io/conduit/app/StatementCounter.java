package io.conduit.app;

import io.conduit.runtime.http.RequestStats;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/** Counts every SQL statement against the request it runs for (the access log's {@code dbStatements}). */
final class StatementCounter implements SqlLogger {
    @Override
    public void logAfterExecution(StatementContext context) {
        RequestStats.statementExecuted();
    }

    @Override
    public void logException(StatementContext context, java.sql.SQLException ex) {
        RequestStats.statementExecuted();
    }
}
