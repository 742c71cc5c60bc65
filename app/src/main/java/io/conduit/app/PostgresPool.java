package io.conduit.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.conduit.runtime.http.RequestStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The Hikari pool with two limits on how long anyone waits for a connection, so that a request
 * that needs PostgreSQL is answered within a second even when PostgreSQL goes away under it:
 *
 * <ul>
 *   <li>the {@link PostgresCircuit}: once a new connection cannot be made, borrowing fails at once,
 *       and whoever already waits is woken;
 *   <li>a budget per request: all its waits for connections together (every {@code withHandle},
 *       the idempotency record's before and after the handler, the validation Hikari runs on an
 *       idle connection) stay within the connection timeout, instead of each borrow waiting that
 *       long again. Each borrow's wait leaves room for one validation, which Hikari may run after
 *       the wait has ended.
 * </ul>
 *
 * Threads that serve no request (the outbox relay, the readiness probe) wait up to the connection
 * timeout per borrow, as before.
 */
final class PostgresPool extends HikariDataSource {
    private final PostgresCircuit circuit;
    private final ConnectionSource source;
    private final long budgetNanos;
    private final long validationNanos;

    PostgresPool(HikariConfig config, PostgresCircuit circuit, ConnectionSource source) {
        super(config);
        this.circuit = circuit;
        this.source = source;
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(config.getConnectionTimeout());
        this.validationNanos = TimeUnit.MILLISECONDS.toNanos(config.getValidationTimeout());
        source.startRetrying();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!(getHikariPoolMXBean() instanceof HikariPool pool)) {
            return super.getConnection(); // closed: Hikari says so
        }
        OptionalLong waited = RequestStats.databaseWaitNanos();
        long timeoutMillis = waited.isPresent() ? requestTimeoutMillis(waited.getAsLong()) : getConnectionTimeout();
        long started = System.nanoTime();
        try {
            return circuit.borrow(() -> pool.getConnection(timeoutMillis));
        } finally {
            RequestStats.databaseWaited(System.nanoTime() - started);
        }
    }

    /** What is left of the request's budget, less one validation; fails when that is nothing. */
    private long requestTimeoutMillis(long waitedNanos) throws SQLTransientConnectionException {
        long leftNanos = budgetNanos - waitedNanos - validationNanos;
        if (leftNanos < TimeUnit.MILLISECONDS.toNanos(1)) {
            throw new SQLTransientConnectionException("this request has waited "
                    + TimeUnit.NANOSECONDS.toMillis(waitedNanos)
                    + " ms for database connections, all of its "
                    + TimeUnit.NANOSECONDS.toMillis(budgetNanos)
                    + " ms");
        }
        return TimeUnit.NANOSECONDS.toMillis(leftNanos);
    }

    @Override
    public void close() {
        source.close();
        super.close();
    }
}
