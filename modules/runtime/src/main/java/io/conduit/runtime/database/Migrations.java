package io.conduit.runtime.database;

import io.conduit.platform.ModuleDescriptor;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates schemas as their descriptions say: one Flyway per schema, its scripts from {@code
 * classpath:db/<schema>}, its history table in that schema. The composition root migrates the
 * kernel's schema and every module's; a module's tests migrate the kernel's and that module's only.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /**
     * Migrates each of {@code schemas} in order, creating it first if needed. Safe with many instances.
     * When every schema's history already matches its scripts ({@link AppliedMigrations}), Flyway is
     * not started at all.
     */
    public static void migrate(DataSource dataSource, List<ModuleDescriptor> schemas) {
        if (upToDate(dataSource, schemas)) {
            log.info("migrations: every schema's history matches the JAR's scripts, nothing to migrate");
            return;
        }
        for (ModuleDescriptor module : schemas) {
            Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(module.schema())
                    .createSchemas(true)
                    .locations(module.migrations())
                    .load()
                    .migrate();
        }
    }

    /**
     * Whether every schema's Flyway history holds exactly the scripts on the classpath, applied
     * successfully with the same checksums: then {@link #migrate} has nothing to do.
     */
    public static boolean upToDate(DataSource dataSource, List<ModuleDescriptor> schemas) {
        return AppliedMigrations.current(dataSource, schemas);
    }
}
