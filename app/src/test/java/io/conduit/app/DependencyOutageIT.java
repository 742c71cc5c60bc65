package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis stopped and started again in the middle of a test, on servers of its own:
 * fast 503s with Retry-After while a dependency is gone, no 401 that would log users out, anonymous
 * reads without Redis, readiness untouched by a shared outage, and recovery without a restart.
 */
class DependencyOutageIT {
    private Path dir;
    private int pgPort;
    private int redisPort;
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private TestApp app;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("conduit-outage");
        pgPort = FreePorts.pick();
        redisPort = FreePorts.pick();
        startPostgres();
        redis = RedisServer.newRedisServer()
                .port(redisPort)
                .setting("bind 127.0.0.1")
                .setting("dir " + Files.createDirectories(dir.resolve("redis")))
                .setting("appendonly yes")
                .build();
        redis.start();
        var env = new HashMap<String, String>();
        env.put("CONDUIT_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
        env.put("CONDUIT_REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("CONDUIT_RATE_LIMIT_ANONYMOUS", "100000/1m");
        app = TestApp.start(env, Clock.systemUTC());
        http = new Http(app.baseUrl());
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        redis.stop();
        postgres.close();
    }

    @Test
    void answers503WithRetryAfterWithinASecondWhilePostgresIsDownAndRecoversBySelf() throws Exception {
        var user = Users.register(http);

        postgres.close();
        long started = System.nanoTime();
        var down = http.get("/api/articles");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        long probed = awaitStatus(
                () -> "DOWN"
                                .equals(http.get("/health/ready")
                                        .json()
                                        .at("/checks/postgres")
                                        .asText())
                        ? 1
                        : 0,
                1,
                Duration.ofSeconds(5));
        var ready = http.get("/health/ready");

        assertThat(probed).as("seconds until the background probe saw it").isLessThanOrEqualTo(5);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.header("Retry-After")).isNotNull();
        assertThat(down.errors()).containsKey("database");
        assertThat(elapsedMillis).as("time to the 503").isLessThan(1_000);
        assertThat(http.get("/api/user", Http.token(user.token())).status()).isEqualTo(503);
        assertThat(ready.status()).as("a shared outage must not fail readiness").isEqualTo(200);
        assertThat(ready.json().at("/checks/postgres").asText()).isEqualTo("DOWN");

        startPostgres();
        long recovered = awaitStatus(() -> http.get("/api/articles").status(), 200, Duration.ofSeconds(5));

        assertThat(recovered).as("seconds to recover").isLessThanOrEqualTo(5);
        assertThat(http.get("/api/user", Http.token(user.token())).status()).isEqualTo(200);
    }

    /**
     * The contract under load: clients keep sending (reads that borrow a connection several times
     * in a row, writes with an Idempotency-Key, whose record is written before and after the
     * handler) while PostgreSQL stops. For the half second before it stops, a lock holds the
     * writes mid-statement, so with a pool of 2 for 8 clients the other requests queue for a
     * connection: when PostgreSQL goes, requests are waiting in the pool and on their sockets, and
     * the held writes still have their idempotency record to settle. Every request in flight at any
     * moment of the outage is answered within a second, and each that fails is a 503 with
     * Retry-After.
     */
    @Test
    void answersEveryRequestWithinASecondWhilePostgresStopsUnderLoad() throws Exception {
        var author = Users.register(http);
        var reader = Users.register(http);
        String slug = http.post(
                        "/api/articles",
                        "{\"article\":{\"title\":\"outage " + Users.unique("t")
                                + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"outage\"]}}",
                        Http.token(author.token()))
                .json()
                .at("/article/slug")
                .asText();
        try (var small = TestApp.start(
                java.util.Map.of(
                        "CONDUIT_DB_URL",
                        postgres.getJdbcUrl("postgres", "postgres"),
                        "CONDUIT_REDIS_URL",
                        "redis://127.0.0.1:" + redisPort,
                        "CONDUIT_RATE_LIMIT_ANONYMOUS",
                        "100000/1m",
                        "CONDUIT_DB_POOL_SIZE",
                        "2"),
                Clock.systemUTC())) {
            var load = new OutageLoad(new Http(small.baseUrl()), author, reader, slug);
            load.start(8);
            Thread.sleep(1_000);
            long locking = System.nanoTime();
            var lock = postgres.getPostgresDatabase().getConnection();
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table profiles.follow, comments.comment in share mode");
            Thread.sleep(500);

            long stopping = System.nanoTime();
            postgres.close();
            closeQuietly(lock);
            Thread.sleep(3_000);
            startPostgres();
            long back = System.nanoTime();
            long recovered = awaitStatus(
                    () -> http.get("/api/user", Http.token(reader.token())).status(), 200, Duration.ofSeconds(5));
            Thread.sleep(500);
            var answers = load.stop();

            var duringOutage = answers.stream()
                    .filter(a -> a.endedNanos() >= stopping && a.startedNanos() <= back)
                    .toList();
            var inFlightAtStop = duringOutage.stream()
                    .filter(a -> a.startedNanos() < stopping)
                    .count();
            var failed = duringOutage.stream().filter(a -> a.status() >= 300).toList();
            assertThat(answers.stream().filter(a -> a.endedNanos() < locking))
                    .as("before the outage")
                    .allMatch(a -> a.status() < 300);
            assertThat(duringOutage)
                    .as("every answer during the outage within 1 s")
                    .allSatisfy(a -> assertThat(a.millis()).as(a.toString()).isLessThan(1_000));
            assertThat(failed)
                    .as("every failure a 503 with Retry-After")
                    .allSatisfy(a -> assertThat(a.status() == 503 && a.retryAfter())
                            .as(a.toString())
                            .isTrue());
            assertThat(duringOutage.size()).as("requests during the outage").isGreaterThanOrEqualTo(30);
            assertThat(inFlightAtStop)
                    .as("requests in flight when PostgreSQL stopped")
                    .isPositive();
            assertThat(failed.size()).as("503s during the outage").isGreaterThanOrEqualTo(16);
            assertThat(recovered).as("seconds to recover").isLessThanOrEqualTo(5);
        }
    }

    @Test
    void keepsAnonymousReadsWorkingAndNeverAnswers401WhileRedisIsDown() throws Exception {
        var user = Users.register(http);

        redis.stop();
        var anonymous = http.get("/api/articles");
        long started = System.nanoTime();
        var signedIn = http.get("/api/user", Http.token(user.token()));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        var login = http.post("/api/users/login", Users.login(user.email(), user.password()));

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(signedIn.status()).as("never a 401 that logs users out").isEqualTo(503);
        assertThat(signedIn.header("Retry-After")).isNotNull();
        assertThat(elapsedMillis).isLessThan(1_000);
        assertThat(login.status()).isEqualTo(503);
        assertThat(http.get("/health/ready").status()).isEqualTo(200);

        redis.start();
        long recovered = awaitStatus(
                () -> http.get("/api/user", Http.token(user.token())).status(), 200, Duration.ofSeconds(5));

        assertThat(recovered).isLessThanOrEqualTo(5);
    }

    @Test
    void answers503OnAReadOnlyReplicaAndFollowsItsPromotionWithoutARestart() throws Exception {
        var user = Users.register(http);
        int replicaPort = FreePorts.pick();
        var replica = RedisServer.newRedisServer()
                .port(replicaPort)
                .setting("bind 127.0.0.1")
                .slaveOf("127.0.0.1", redisPort)
                .build();
        replica.start();
        try (var onReplica = TestApp.start(
                java.util.Map.of(
                        "CONDUIT_DB_URL",
                        postgres.getJdbcUrl("postgres", "postgres"),
                        "CONDUIT_REDIS_URL",
                        "redis://127.0.0.1:" + replicaPort),
                Clock.systemUTC())) {
            var client = new Http(onReplica.baseUrl());
            awaitStatus(() -> client.get("/api/user", Http.token(user.token())).status(), 200, Duration.ofSeconds(10));

            var write = client.post("/api/users/login", Users.login(user.email(), user.password()));

            assertThat(write.status())
                    .as("READONLY from a replica is a 503, not a 500")
                    .isEqualTo(503);
            try (var jedis = new redis.clients.jedis.Jedis("127.0.0.1", replicaPort)) {
                jedis.replicaofNoOne();
            }
            long recovered = awaitStatus(
                    () -> client.post("/api/users/login", Users.login(user.email(), user.password()))
                            .status(),
                    200,
                    Duration.ofSeconds(5));
            assertThat(recovered).isLessThanOrEqualTo(5);
        } finally {
            replica.stop();
        }
    }

    private static void closeQuietly(java.sql.Connection connection) {
        try {
            connection.close();
        } catch (java.sql.SQLException e) {
            // its server is gone
        }
    }

    private void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setPort(pgPort)
                .setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .start();
    }

    /** Polls until {@code status} returns {@code expected}; the whole seconds it took. */
    private static long awaitStatus(Supplier<Integer> status, int expected, Duration limit)
            throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (status.get() == expected) {
                return (System.nanoTime() - started) / 1_000_000_000;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not recovered within " + limit);
    }
}
