package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database that takes no writes (a standby region's replica, recovery, {@code
 * default_transaction_read_only}, here set for the whole server and reloaded, so the app's open
 * connections turn read-only under it as a replica's would): every write is a 503 with {@code
 * Retry-After} and a message that says why, never a 500 and never a partial write; reads, the
 * current user and logging in go on. Set back, writes resume without a restart.
 */
class ReadOnlyDatabaseIT {
    private static final long SETTLE_NANOS = 5_000_000_000L; // a few probes of the database's role

    private static final AtomicInteger TITLES = new AtomicInteger();

    private Path dir;
    private EmbeddedPostgres postgres;
    private TestApp app;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("conduit-read-only");
        postgres = EmbeddedPostgres.builder()
                .setPort(FreePorts.pick())
                .setDataDirectory(dir.resolve("postgres"))
                .start();
        var env = new HashMap<>(TestServices.environment());
        env.put("CONDUIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        env.put("CONDUIT_DB_USER", "postgres");
        env.put("CONDUIT_DB_PASSWORD", "");
        app = TestApp.start(env, Clock.systemUTC());
        http = new Http(app.baseUrl());
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void writesGet503WhileTheDatabaseIsReadOnlyReadsGoOnAndWritesResumeAfter() throws Exception {
        var user = Users.register(http);
        String token = user.token();
        assertThat(createArticle(token).status()).isEqualTo(201);

        readOnly(true);
        // Longer than a probe interval: the first writes reach the database and fail there (SQLSTATE
        // 25006), the later ones are refused before they run; a 503 either way.
        long deadline = System.nanoTime() + 2 * DatabaseRole.INTERVAL.toNanos() + 500_000_000L;
        Http.Response write;
        do {
            write = createArticle(token);
            assertThat(write.status()).as(write.body()).isEqualTo(503);
            assertThat(write.errors().get("database")).contains("read-only");
        } while (System.nanoTime() < deadline && pause());
        for (String[] refused : new String[][] {
            {"POST", "/api/articles"}, {"PUT", "/api/user"}, {"POST", "/api/profiles/" + user.username() + "/follow"}
        }) {
            var response =
                    http.send(refused[0], refused[1], "{\"user\":{\"bio\":\"x\"},\"article\":{}}", Http.token(token));
            assertThat(response.status())
                    .as(refused[0] + " " + refused[1] + ": " + response.body())
                    .isEqualTo(503);
            assertThat(response.header("Retry-After")).isNotBlank();
            assertThat(response.errors()).containsKey("database");
            assertThat(response.errors().get("database")).contains("read-only");
        }

        assertThat(http.get("/api/articles").status()).isEqualTo(200);
        assertThat(http.get("/api/articles", Http.token(token))
                        .json()
                        .at("/articlesCount")
                        .asInt())
                .isEqualTo(1);
        assertThat(http.get("/api/user", Http.token(token)).status()).isEqualTo(200);
        assertThat(http.post("/api/users/login", Users.login(user.email(), user.password()))
                        .status())
                .as("logging in writes to Redis only")
                .isEqualTo(200);
        assertThat(count("articles.article")).as("no write got through").isEqualTo(1);
        var region = http.get("/health/region");
        assertThat(region.status()).as("a read-only region still serves").isEqualTo(200);
        assertThat(region.json().at("/writes").asText()).isEqualTo("REFUSED");
        var primary = http.get("/health/region?writable=true");
        assertThat(primary.status()).as("but not as a primary").isEqualTo(503);
        assertThat(primary.json().at("/down/writes").asText()).contains("read-only");

        readOnly(false);
        deadline = System.nanoTime() + SETTLE_NANOS;
        do {
            write = createArticle(token);
        } while (write.status() == 503 && System.nanoTime() < deadline && pause());
        assertThat(write.status()).as(write.body()).isEqualTo(201);
        assertThat(count("articles.article")).isEqualTo(2);
        assertThat(http.get("/health/region?writable=true").status()).isEqualTo(200);
    }

    /**
     * Route 53's check of a region: a dependency that stops answering fails it only after 15 s (a
     * blip never moves a region), while readiness, the load balancer's check, stays 200 throughout.
     */
    @Test
    void theRegionTurnsUnhealthyOnlyAfterItsDatabaseStaysSilent() throws Exception {
        assertThat(http.get("/health/region").status()).isEqualTo(200);
        long stopped = System.nanoTime();
        postgres.close();
        postgres = null;

        Http.Response region;
        do {
            region = http.get("/health/region");
            long silent = System.nanoTime() - stopped;
            if (silent < 10_000_000_000L) {
                // the grace is 15 s from the last answered probe (one probe interval before the stop at most)
                assertThat(region.status())
                        .as("a silence of 10 s fails no region")
                        .isEqualTo(200);
            }
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
        } while (region.status() == 200 && System.nanoTime() - stopped < 25_000_000_000L && pause());
        assertThat(region.status()).isEqualTo(503);
        assertThat(region.json().at("/down/postgres").asText()).startsWith("no answer for");
    }

    private Http.Response createArticle(String token) {
        String body = "{\"article\":{\"title\":\"Read-only " + TITLES.incrementAndGet()
                + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[]}}";
        return http.post("/api/articles", body, Http.token(token));
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private void readOnly(boolean on) throws SQLException {
        try (var connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
                var statement = connection.createStatement()) {
            statement.execute(
                    on
                            ? "alter system set default_transaction_read_only = on"
                            : "alter system reset default_transaction_read_only");
            statement.execute("select pg_reload_conf()");
        }
        // pg_reload_conf() only signals the postmaster. Once a new session sees the new value the
        // postmaster has reloaded and has already signalled every existing backend (it does both in
        // one handler), so the app's pooled connections apply it before their next statement.
        // Without this wait the first write could still run on a backend the signal had not reached.
        String expected = on ? "on" : "off";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (var connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
                    var statement = connection.createStatement();
                    var rows = statement.executeQuery("show default_transaction_read_only")) {
                rows.next();
                if (expected.equals(rows.getString(1))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("PostgreSQL did not reload default_transaction_read_only = " + expected);
            }
            Thread.onSpinWait();
        }
    }

    private long count(String table) throws SQLException {
        try (var connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
                var statement = connection.createStatement();
                var rows = statement.executeQuery("select count(*) from " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
