package io.conduit.app;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Where the pool gets new connections: the driver, watched by the {@link PostgresCircuit}. An
 * attempt that cannot connect opens the circuit, one that connects closes it. While the circuit is
 * open a failed attempt is tried again every {@link #RETRY_INTERVAL} inside this call (for up to
 * {@link #RETRY_FOR}), so the pool has a connection within that interval of PostgreSQL's return
 * instead of after its own back-off between attempts, which doubles up to 5 s. Only the pool's
 * connection adder calls this; no request ever waits on it.
 */
final class ConnectionSource implements DataSource {
    static final Duration RETRY_INTERVAL = Duration.ofMillis(200);
    private static final Duration RETRY_FOR = Duration.ofSeconds(30);

    private final DataSource driver;
    private final PostgresCircuit circuit;
    private volatile boolean retrying;
    private volatile boolean closed;

    ConnectionSource(DataSource driver, PostgresCircuit circuit) {
        this.driver = driver;
        this.circuit = circuit;
    }

    /** From now on a failed attempt is retried (at start-up the first failure ends the start). */
    void startRetrying() {
        retrying = true;
    }

    void close() {
        closed = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(driver::getConnection);
    }

    /**
     * The pool passes its current credentials on every new connection, so a password changed at
     * run time (a rotation, {@code HikariConfigMXBean.setPassword}) is used from the next one on.
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connect(() -> driver.getConnection(username, password));
    }

    private Connection connect(Attempt attempt) throws SQLException {
        long giveUpAt = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                Connection connection = attempt.connect();
                circuit.reachable();
                return connection;
            } catch (SQLException e) {
                if (!cannotConnect(e)) {
                    throw e;
                }
                circuit.unreachable(e);
                if (!retrying || closed || System.nanoTime() > giveUpAt || !pause()) {
                    throw e;
                }
            }
        }
    }

    private interface Attempt {
        Connection connect() throws SQLException;
    }

    /** SQLSTATE class 08 (connection exception) or 57P03 (cannot connect now: starting, stopping). */
    static boolean cannotConnect(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P03"));
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_INTERVAL);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return driver.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || driver.isWrapperFor(type);
    }
}
