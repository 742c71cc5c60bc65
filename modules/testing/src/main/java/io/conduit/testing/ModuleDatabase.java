package io.conduit.testing;

import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.database.UtcInstants;
import io.conduit.runtime.database.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL database of its own for one test class, with the kernel's schema and one module's
 * migrated (and no other module's), as the composition root migrates them. Register it on a static
 * field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ModuleDatabase db = ModuleDatabase.migrating(ArticlesModule.DESCRIPTOR);
 * }</pre>
 *
 * The server is one embedded PostgreSQL per test JVM; each registration creates a new database in
 * it. Tests of one class share that database, so each creates its own data. {@link #count} and
 * {@link #select}, for assertions, read on a connection of their own, never inside the module's
 * transaction: they see what is committed.
 */
public final class ModuleDatabase implements BeforeAllCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static @Nullable EmbeddedPostgres server;

    private final ModuleDescriptor module;
    private @Nullable Jdbi jdbi;
    private @Nullable Jdbi own;

    private ModuleDatabase(ModuleDescriptor module) {
        this.module = module;
    }

    /** A database with {@link ModuleDescriptor#PLATFORM}'s schema and {@code module}'s migrated. */
    public static ModuleDatabase migrating(ModuleDescriptor module) {
        return new ModuleDatabase(module);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        EmbeddedPostgres postgres = server();
        String name = module.schema() + "_" + DATABASES.incrementAndGet();
        Jdbi.create(postgres.getPostgresDatabase()).useHandle(h -> h.execute("create database " + name));
        DataSource dataSource = postgres.getDatabase("postgres", name);
        Migrations.migrate(dataSource, List.of(ModuleDescriptor.PLATFORM, module));
        jdbi = Jdbi.create(dataSource).installPlugin(new UtcInstants());
        // A Jdbi hands a thread the handle it has open already: from inside a callback of the module's
        // transaction, the module's Jdbi would read within that transaction. Assertions get their own.
        own = Jdbi.create(dataSource).installPlugin(new UtcInstants());
    }

    /** The database, as the module's wiring takes it (with {@link UtcInstants} installed). */
    public Jdbi jdbi() {
        return started(jdbi);
    }

    /** The one number {@code sql} selects (a count, say); {@code args} bind to its {@code ?}s in order. */
    public long count(String sql, Object... args) {
        return select(Long.class, sql, args);
    }

    /** The one value {@code sql} selects, of {@code type}. */
    public <T> T select(Class<T> type, String sql, Object... args) {
        return started(own).withHandle(h -> h.select(sql, args).mapTo(type).one());
    }

    private static Jdbi started(@Nullable Jdbi jdbi) {
        if (jdbi == null) {
            throw new IllegalStateException("register ModuleDatabase on a static field with @RegisterExtension");
        }
        return jdbi;
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            server = EmbeddedServers.startForTheJvm(
                    "PostgreSQL", () -> EmbeddedPostgres.builder().start(), EmbeddedPostgres::close);
        }
        return server;
    }
}
