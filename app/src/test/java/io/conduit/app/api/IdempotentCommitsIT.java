package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conduit.app.TestApp;
import io.conduit.app.TestServices;
import io.conduit.platform.Conflict;
import io.conduit.platform.idempotency.Claim;
import io.conduit.platform.idempotency.IdempotencyStore;
import io.conduit.platform.idempotency.IdempotencyStore.Outcome;
import io.conduit.platform.idempotency.IdempotentCommits;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key is marked inside the request's own transaction: both commit, or neither does. */
class IdempotentCommitsIT {
    private static TestApp app;
    private static Jdbi jdbi;
    private static IdempotencyStore store;

    @BeforeAll
    static void start() {
        app = TestApp.start(); // migrates the schema
        var env = TestServices.environment();
        jdbi = Jdbi.create(env.get("CONDUIT_DB_URL"), env.get("CONDUIT_DB_USER"), env.get("CONDUIT_DB_PASSWORD"));
        IdempotentCommits.install(jdbi);
        jdbi.useHandle(
                h -> h.execute("create table if not exists public.idempotent_commits_probe (id text primary key)"));
        store = new IdempotencyStore(jdbi, Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        store.close();
        app.close();
    }

    @Test
    void marksTheKeyCommittedWithTheChange() throws Exception {
        String key = UUID.randomUUID().toString();
        Claim claim = claim(key);

        insertProbe(key);
        insertProbe(key + "-second"); // a second transaction of the same request is not refused

        assertThat(claim.committed()).isTrue();
        assertThat(state(key)).isEqualTo("committed");
        assertThat(probes(key)).isEqualTo(1);
        store.finish(claim, 503, "", "");
        assertThat(state(key)).as("a failure after the commit keeps the key").isEqualTo("committed");
        assertThat(store.claim(key, "fp")).isInstanceOf(Outcome.CarriedOut.class);
    }

    @Test
    void rollsBackTheChangeOfAnAttemptWhoseClaimWasTakenOver() throws Exception {
        String key = UUID.randomUUID().toString();
        Claim claim = claim(key);
        Database.count(
                "with taken as (update platform.idempotency_key set owner = gen_random_uuid() where key = ? returning 1)"
                        + " select count(*) from taken",
                key);

        assertThatThrownBy(() -> insertProbe(key)).isInstanceOf(Conflict.class);

        assertThat(claim.committed()).isFalse();
        assertThat(probes(key)).isZero();
        store.finish(claim, 201, "", "");
    }

    @Test
    void freesTheKeyWhenTheAttemptFailedBeforeCommitting() throws Exception {
        String key = UUID.randomUUID().toString();
        Claim claim = claim(key);

        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
                    h.execute("insert into public.idempotent_commits_probe (id) values (?)", key);
                    throw new IllegalStateException("fails before the commit");
                }))
                .isInstanceOf(IllegalStateException.class);
        store.finish(claim, 503, "", "");

        assertThat(probes(key)).isZero();
        store.finish(claim(key), 201, "", ""); // a retry claims it afresh
    }

    private static Claim claim(String key) {
        var outcome = store.claim(key, "fp");
        assertThat(outcome).isInstanceOf(Outcome.Claimed.class);
        return ((Outcome.Claimed) outcome).claim();
    }

    private static void insertProbe(String id) {
        jdbi.useTransaction(h -> h.execute("insert into public.idempotent_commits_probe (id) values (?)", id));
    }

    private static long probes(String id) throws Exception {
        return Database.count("select count(*) from public.idempotent_commits_probe where id = ?", id);
    }

    private static String state(String key) {
        return jdbi.withHandle(h -> h.createQuery("select state from platform.idempotency_key where key = :key")
                .bind("key", key)
                .mapTo(String.class)
                .one());
    }
}
