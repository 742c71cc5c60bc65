package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.embedded.RedisServer;

/**
 * The database password and the Redis AUTH token rotated under load, the way a rotation reaches an
 * instance: the server refuses the old secret first, the connections the app holds are lost (worst
 * case: a rotation does not close them, but connections are recycled and break), and only then the
 * refresh timer writes the new secret into the credential file. The app must take it from the file
 * without a restart: no request may keep failing for longer than 5 s, and once the file is written
 * everything works again within a few seconds.
 */
class CredentialRotationIT {
    /** How long after the server the file gets the new secret (the refresh timer's lag, shortened). */
    private static final Duration FILE_LAG = Duration.ofSeconds(1);

    private Path dir;
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private int redisPort;
    private Path dbPasswordFile;
    private Path redisPasswordFile;
    private TestApp app;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("conduit-rotation");
        postgres = EmbeddedPostgres.builder()
                .setPort(FreePorts.pick())
                .setDataDirectory(dir.resolve("postgres"))
                .start();
        requirePasswordsFor("conduit");
        sql("create role conduit login superuser password 'db-old-1'");
        redisPort = FreePorts.pick();
        redis = RedisServer.newRedisServer()
                .port(redisPort)
                .setting("bind 127.0.0.1")
                .setting("requirepass redis-old-1")
                .build();
        redis.start();
        dbPasswordFile = dir.resolve("db_password");
        redisPasswordFile = dir.resolve("redis_password");
        replace(dbPasswordFile, "db-old-1\n");
        replace(redisPasswordFile, "redis-old-1\n");
        app = TestApp.start(
                Map.of(
                        "CONDUIT_DB_URL",
                        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                        "CONDUIT_DB_USER",
                        "conduit",
                        "CONDUIT_DB_PASSWORD_FILE",
                        dbPasswordFile.toString(),
                        "CONDUIT_REDIS_URL",
                        "redis://127.0.0.1:" + redisPort,
                        "CONDUIT_REDIS_PASSWORD_FILE",
                        redisPasswordFile.toString(),
                        "CONDUIT_RESPONSE_CACHE",
                        "off"),
                Clock.systemUTC());
        http = new Http(app.baseUrl());
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        redis.stop();
        postgres.close();
    }

    @Test
    void picksUpARotatedDatabasePasswordAndRedisTokenUnderLoadWithoutARestart() throws Exception {
        var user = Users.register(http);
        var load = new Load(http, user.token());
        load.start();
        Thread.sleep(1_000);

        long dbRotated = System.nanoTime();
        sql("alter role conduit password 'db-new-2'");
        assertThat(passwordRefused("db-old-1"))
                .as("PostgreSQL refuses the old password")
                .isEqualTo("28P01");
        sql("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'conduit'");
        Thread.sleep(FILE_LAG);
        long dbFileWritten = System.nanoTime();
        replace(dbPasswordFile, "db-new-2\n");
        Thread.sleep(6_000);

        long redisRotated = System.nanoTime();
        try (var jedis = new Jedis("127.0.0.1", redisPort)) {
            jedis.auth("redis-old-1");
            jedis.configSet("requirepass", "redis-new-2");
            jedis.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
        }
        Thread.sleep(FILE_LAG);
        long redisFileWritten = System.nanoTime();
        replace(redisPasswordFile, "redis-new-2\n");
        Thread.sleep(6_000);
        var calls = load.stop();

        var db = Timeline.of(calls, dbRotated, redisRotated);
        var cache = Timeline.of(calls, redisRotated, Long.MAX_VALUE);
        System.out.printf(
                "credential rotation: %d requests; database: longest failing %d ms, recovered %d ms after the"
                        + " file changed; redis: longest failing %d ms, recovered %d ms after the file changed%n",
                calls.size(),
                db.longestFailingMillis(),
                db.recoveredMillisAfter(dbFileWritten),
                cache.longestFailingMillis(),
                cache.recoveredMillisAfter(redisFileWritten));
        assertThat(db.longestFailingMillis())
                .as("longest period without a successful request (database)")
                .isLessThan(5_000);
        assertThat(cache.longestFailingMillis())
                .as("longest period without a successful request (redis)")
                .isLessThan(5_000);
        assertThat(db.statuses()).as("failures are 503s, never 500 or 401").isSubsetOf(200, 503);
        assertThat(cache.statuses()).as("failures are 503s, never 500 or 401").isSubsetOf(200, 503);
        assertThat(db.allSucceedAfter(dbFileWritten + Duration.ofSeconds(4).toNanos()))
                .isTrue();
        assertThat(cache.allSucceedAfter(
                        redisFileWritten + Duration.ofSeconds(4).toNanos()))
                .isTrue();
        var ready = http.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().at("/checks/postgres").asText()).isEqualTo("UP");
        assertThat(ready.json().at("/checks/redis").asText()).isEqualTo("UP");
        assertThat(http.post("/api/users/login", Users.login(user.email(), user.password()))
                        .status())
                .as("the same app, never restarted, signs in with both new secrets")
                .isEqualTo(200);
    }

    /** Lets only password logins in for {@code role} over TCP; everyone else stays trusted. */
    private void requirePasswordsFor(String role) throws Exception {
        Path hba = dir.resolve("postgres").resolve("pg_hba.conf");
        String rules =
                "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role + " ::1/128 scram-sha-256\n";
        Files.writeString(hba, rules + Files.readString(hba));
        sql("select pg_reload_conf()");
    }

    private String passwordRefused(String password) {
        try (var connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "conduit", password)) {
            return "accepted";
        } catch (java.sql.SQLException e) {
            return e.getSQLState();
        }
    }

    private void sql(String statement) throws Exception {
        try (var connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
                var st = connection.createStatement()) {
            st.execute(statement);
        }
    }

    /** As the refresh timer writes it: a new file moved over the old one. */
    private static void replace(Path file, String content) {
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request: when it started and ended ({@link System#nanoTime()}) and its status (0: no answer). */
    record Call(String client, long started, long ended, int status) {
        boolean ok() {
            return status == 200;
        }
    }

    /** Two clients in a loop: a signed-in read (Redis session, PostgreSQL) and an anonymous list. */
    private static final class Load {
        private final Http http;
        private final String token;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(Http http, String token) {
            this.http = http;
            this.token = token;
        }

        void start() {
            threads.add(Thread.ofVirtual()
                    .start(() -> loop(
                            "signed-in",
                            () -> http.get("/api/user", Http.token(token)).status())));
            threads.add(Thread.ofVirtual()
                    .start(() ->
                            loop("anonymous", () -> http.get("/api/articles").status())));
        }

        private void loop(String client, java.util.function.IntSupplier request) {
            while (running.get()) {
                long started = System.nanoTime();
                int status;
                try {
                    status = request.getAsInt();
                } catch (RuntimeException e) {
                    status = 0;
                }
                calls.add(new Call(client, started, System.nanoTime(), status));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        List<Call> stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            return calls.stream()
                    .sorted(Comparator.comparingLong(Call::started))
                    .toList();
        }
    }

    /** The calls that started in one phase of the test, in order. */
    private record Timeline(List<Call> calls) {
        static Timeline of(List<Call> all, long from, long until) {
            return new Timeline(all.stream()
                    .filter(c -> c.started() >= from && c.started() < until)
                    .toList());
        }

        /** Longest time, for either client, from a failed request's start to the end of its next success. */
        long longestFailingMillis() {
            return calls.stream()
                    .map(Call::client)
                    .distinct()
                    .mapToLong(this::longestFailingMillis)
                    .max()
                    .orElse(0);
        }

        private long longestFailingMillis(String client) {
            long longest = 0;
            long failingSince = -1;
            for (Call call :
                    calls.stream().filter(c -> c.client().equals(client)).toList()) {
                if (!call.ok() && failingSince < 0) {
                    failingSince = call.started();
                } else if (call.ok() && failingSince >= 0) {
                    longest = Math.max(longest, call.ended() - failingSince);
                    failingSince = -1;
                }
            }
            if (failingSince >= 0) {
                longest = Long.MAX_VALUE / 1_000_000; // never recovered
            }
            return longest / 1_000_000;
        }

        /** From {@code instant} to the end of the first success after the last failure (0: none failed). */
        long recoveredMillisAfter(long instant) {
            long lastFailure = calls.stream()
                    .filter(c -> !c.ok())
                    .mapToLong(Call::ended)
                    .max()
                    .orElse(Long.MIN_VALUE);
            if (lastFailure == Long.MIN_VALUE) {
                return 0;
            }
            long recovered = calls.stream()
                    .filter(c -> c.ok() && c.ended() > lastFailure)
                    .mapToLong(Call::ended)
                    .min()
                    .orElse(Long.MAX_VALUE);
            return (recovered - instant) / 1_000_000;
        }

        boolean allSucceedAfter(long instant) {
            return calls.stream().filter(c -> c.started() >= instant).allMatch(Call::ok);
        }

        List<Integer> statuses() {
            return calls.stream().map(Call::status).distinct().toList();
        }
    }
}
