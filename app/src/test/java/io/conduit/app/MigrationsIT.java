package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.conduit.runtime.database.Migrations;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A start against a migrated database skips Flyway only when the history matches the JAR's scripts
 * exactly: every real script's checksum computed as Flyway computes it (else every start would fall
 * back to Flyway, and the first test fails), and any difference (an edited script, a failed or a
 * missing run, a newer release's migration) sends the start through Flyway again.
 */
class MigrationsIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private HikariDataSource dataSource;

    @BeforeEach
    void freshDatabase() throws SQLException {
        var env = TestServices.environment();
        String url = env.get("CONDUIT_DB_URL");
        String name = "migrations_" + DATABASES.incrementAndGet();
        try (var connection =
                        DriverManager.getConnection(url, env.get("CONDUIT_DB_USER"), env.get("CONDUIT_DB_PASSWORD"));
                var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"));
        dataSource.setUsername(env.get("CONDUIT_DB_USER"));
        dataSource.setPassword(env.get("CONDUIT_DB_PASSWORD"));
        dataSource.setMaximumPoolSize(2);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void aMigratedDatabaseIsUpToDateAndAnEmptyOneIsNot() {
        assertThat(Migrations.upToDate(dataSource, Modules.schemas())).isFalse();

        Migrations.migrate(dataSource, Modules.schemas());

        assertThat(Migrations.upToDate(dataSource, Modules.schemas())).isTrue();
        Migrations.migrate(dataSource, Modules.schemas()); // nothing to do, no error
    }

    @Test
    void anyDifferenceFromTheScriptsMeansFlywayRuns() throws SQLException {
        Migrations.migrate(dataSource, Modules.schemas());

        execute("update articles.flyway_schema_history set checksum = checksum + 1 where version = '1'");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas()))
                .as("an edited script")
                .isFalse();
        execute("update articles.flyway_schema_history set checksum = checksum - 1 where version = '1'");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas())).isTrue();

        execute("update comments.flyway_schema_history set success = false where version = '1'");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas()))
                .as("a failed run")
                .isFalse();
        execute("update comments.flyway_schema_history set success = true where version = '1'");

        execute("insert into profiles.flyway_schema_history (installed_rank, version, description, type, script,"
                + " checksum, installed_by, execution_time, success)"
                + " values (100, '99', 'from a newer release', 'SQL', 'V99__from_a_newer_release.sql', 1,"
                + " 'test', 1, true)");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas()))
                .as("a newer release's script")
                .isFalse();
        execute("delete from profiles.flyway_schema_history where version = '99'");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas())).isTrue();

        execute("delete from platform.flyway_schema_history where version = '3'");
        assertThat(Migrations.upToDate(dataSource, Modules.schemas()))
                .as("a script not applied")
                .isFalse();
    }

    private void execute(String sql) throws SQLException {
        try (var connection = dataSource.getConnection();
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
