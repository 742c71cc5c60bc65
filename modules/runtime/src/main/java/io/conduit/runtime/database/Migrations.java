package io.conduit.runtime.database;

import io.conduit.platform.ModuleDescriptor;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Migrates schemas as their descriptions say: one Flyway per schema, its scripts from {@code
 * classpath:db/<schema>}, its history table in that schema. The composition root migrates the
 * kernel's schema and every module's; a module's tests migrate the kernel's and that module's only.
 */
public final class Migrations {
    private Migrations() {}

    /** Migrates each of {@code schemas} in order, creating it first if needed. Safe with many instances. */
    public static void migrate(DataSource dataSource, List<ModuleDescriptor> schemas) {
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
}
