package io.conduit.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether PostgreSQL takes writes, asked every {@link #INTERVAL} on a pooled connection: {@code
 * show transaction_read_only} is {@code on} on a hot standby (a read replica, a standby region
 * before its failover), during recovery, and when {@code default_transaction_read_only} is set.
 * While it is, the HTTP layer refuses writes at once with a 503 and reads go on; once the database
 * is promoted, the next probe lets writes through again, without a restart. A probe that cannot
 * reach the database changes nothing ({@link PostgresCircuit} answers for an unreachable one).
 */
final class DatabaseRole implements BooleanSupplier, AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(DatabaseRole.class);

    private final DataSource dataSource;
    private final ScheduledExecutorService probes;
    private volatile boolean readOnly;

    private DatabaseRole(DataSource dataSource) {
        this.dataSource = dataSource;
        this.probes = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("database-role").unstarted(task));
    }

    /** Probes now and then every {@link #INTERVAL}. */
    static DatabaseRole watch(DataSource dataSource, MeterRegistry registry) {
        var role = new DatabaseRole(dataSource);
        Gauge.builder("postgres.read.only", role, r -> r.readOnly ? 1 : 0)
                .description(
                        "1 while PostgreSQL takes no writes (a replica, in recovery, or read-only): writes get 503")
                .register(registry);
        role.probes.scheduleWithFixedDelay(role::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return role;
    }

    /** True while the database is read-only: writes are refused. */
    @Override
    public boolean getAsBoolean() {
        return readOnly;
    }

    private void probe() {
        boolean now;
        try (var connection = dataSource.getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery("show transaction_read_only")) {
            now = rows.next() && "on".equals(rows.getString(1));
        } catch (SQLException | RuntimeException e) {
            return;
        }
        if (now != readOnly) {
            readOnly = now;
            if (now) {
                log.warn("PostgreSQL is read-only (a replica, in recovery, or set so): writes get 503, reads go on");
            } else {
                log.info("PostgreSQL takes writes again");
            }
        }
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
