package io.conduit.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The PostgreSQL pool and the migrations, schema by schema. */
final class Database {
    /** Every module's schema, in dependency order; each keeps its own Flyway history table. */
    static final List<String> SCHEMAS = List.of("platform", "identity", "profiles", "articles", "comments");

    private Database() {}

    /**
     * A fixed-size pool with short timeouts: a request waits at most the connection timeout for a
     * connection, the driver gives up connecting after a few seconds, and no statement runs longer
     * than the statement timeout, so an unreachable database becomes fast 503s, not piled-up threads.
     */
    static HikariDataSource pool(DatabaseSettings settings, MeterRegistry registry) {
        var config = new HikariConfig();
        config.setPoolName("conduit");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(settings.poolSize());
        config.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
        config.setValidationTimeout(
                Math.max(250, Math.min(1000, settings.connectionTimeout().toMillis())));
        config.setKeepaliveTime(30_000);
        config.setMaxLifetime(600_000);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty(
                "socketTimeout", Long.toString(settings.statementTimeout().toSeconds() + 5));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "conduit");
        // Server-side keepalives: a keyed request holds its transaction (and the advisory lock on
        // its Idempotency-Key) until it answers; if its host vanishes without closing the socket,
        // PostgreSQL notices within about 5 + 2 x 3 = 11 s and frees the key for a retry. A killed
        // process is noticed at once (its kernel closes the socket).
        config.addDataSourceProperty(
                "options",
                "-c statement_timeout=" + settings.statementTimeout().toMillis()
                        + " -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3");
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        return new HikariDataSource(config);
    }

    /** Migrates each module's schema from {@code classpath:db/<schema>}. Safe with many instances. */
    static void migrate(DataSource dataSource) {
        for (String schema : SCHEMAS) {
            Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(schema)
                    .createSchemas(true)
                    .locations("classpath:db/" + schema)
                    .load()
                    .migrate();
        }
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
