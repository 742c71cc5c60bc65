package io.conduit.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.util.DriverDataSource;
import io.conduit.runtime.database.Migrations;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import javax.sql.DataSource;

/** The PostgreSQL pool and the migrations, schema by schema. */
final class Database {
    /** Every module's schema, in dependency order; each keeps its own Flyway history table. */
    /** Hikari's least: its check of an idle connection before handing it out gives up after this. */
    private static final long VALIDATION_TIMEOUT_MILLIS = 250;

    private Database() {}

    /**
     * A fixed-size pool with short timeouts, so that an unreachable database becomes fast 503s, not
     * piled-up threads: a request waits for connections at most the connection timeout in all (see
     * {@link PostgresPool}), not at all once a new connection has failed ({@link PostgresCircuit});
     * Hikari's check of an idle connection gives up after 250 ms (its least); the driver gives up
     * connecting after 1 s and reading after the statement timeout and one second more, and TCP
     * keepalive notices a server that vanished without closing ({@link KeepAliveSocketFactory}).
     */
    static HikariDataSource pool(DatabaseSettings settings, MeterRegistry registry) {
        var circuit = new PostgresCircuit(registry);
        var source = new ConnectionSource(driver(settings), circuit);
        var config = new HikariConfig();
        config.setPoolName("conduit");
        config.setDataSource(source);
        // Hikari hands these to the source for every new connection: a rotated password set on
        // the pool at run time (RotatedCredentials) is used from the next connection on.
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(settings.poolSize());
        config.setConnectionTimeout(Math.max(
                VALIDATION_TIMEOUT_MILLIS * 2, settings.connectionTimeout().toMillis()));
        config.setValidationTimeout(VALIDATION_TIMEOUT_MILLIS);
        config.setKeepaliveTime(30_000);
        config.setMaxLifetime(600_000);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        // No connection while the pool is built: the first comes with the migrations, which run
        // beside the rest of the start (Application) and fail it if PostgreSQL cannot be reached.
        config.setInitializationFailTimeout(-1);
        return new PostgresPool(config, circuit, source);
    }

    /** The PostgreSQL driver with the connection properties; the pool adds its login timeout. */
    private static DataSource driver(DatabaseSettings settings) {
        var properties = new Properties();
        properties.setProperty("connectTimeout", "1");
        properties.setProperty(
                "socketTimeout", Long.toString(settings.statementTimeout().toSeconds() + 1));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("socketFactory", KeepAliveSocketFactory.class.getName());
        properties.setProperty("ApplicationName", "conduit");
        // Server-side keepalives too: a keyed request holds its transaction (and the advisory lock
        // on its Idempotency-Key) until it answers; if its host vanishes without closing the
        // socket, PostgreSQL notices within about 5 + 2 x 3 = 11 s and frees the key for a retry. A
        // killed process is noticed at once (its kernel closes the socket).
        properties.setProperty(
                "options",
                "-c statement_timeout=" + settings.statementTimeout().toMillis()
                        + " -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3");
        return new DriverDataSource(settings.url(), null, properties, settings.user(), settings.password());
    }

    /**
     * Migrates the kernel's schema and each module's (from its description: {@code
     * classpath:db/<schema>}, its own Flyway history in that schema). Safe with many instances.
     */
    static void migrate(DataSource dataSource) {
        Migrations.migrate(dataSource, Modules.schemas());
    }

    /** For readiness: a pooled connection answers within a second. */
    static boolean ping(DataSource dataSource) {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }
}
