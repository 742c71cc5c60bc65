package io.conduit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.platform.ModuleDescriptor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleDatabaseIT {
    /** A module of this test's own, its one migration in src/test/resources/db/sample. */
    private static final ModuleDescriptor SAMPLE = new ModuleDescriptor("sample", "sample", List.of(), List.of());

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(SAMPLE);

    @Test
    void migratesTheKernelsSchemaAndTheModulesOnly() {
        List<String> schemas =
                db.jdbi().withHandle(h -> h.select("""
                                select schema_name from information_schema.schemata
                                where schema_name not like 'pg\\_%' and schema_name not in ('information_schema', 'public')
                                order by 1
                                """).mapTo(String.class).list());

        assertThat(schemas).containsExactly("platform", "sample");
        assertThat(db.count("select count(*) from platform.event_publication")).isZero();
    }

    @Test
    void assertionsReadOnlyWhatIsCommitted() {
        long before = db.count("select count(*) from sample.thing");

        long seenInside = db.jdbi().inTransaction(h -> {
            h.execute("insert into sample.thing (at) values (now())");
            return db.count("select count(*) from sample.thing");
        });

        assertThat(seenInside).isEqualTo(before);
        assertThat(db.count("select count(*) from sample.thing")).isEqualTo(before + 1);
    }

    @Test
    void theModulesJdbiBindsInstantsAsTimestamptz() {
        Instant at = Instant.parse("2026-03-29T01:30:00.123456Z");

        String type = db.jdbi()
                .withHandle(h -> h.createQuery("select pg_typeof(:at)::text")
                        .bind("at", at)
                        .mapTo(String.class)
                        .one());
        long id = db.jdbi()
                .withHandle(h -> h.createQuery("insert into sample.thing (at) values (:at) returning id")
                        .bind("at", at)
                        .mapTo(Long.class)
                        .one());

        assertThat(type).isEqualTo("timestamp with time zone");
        assertThat(db.select(Instant.class, "select at from sample.thing where id = ?", id))
                .isEqualTo(at);
    }
}
