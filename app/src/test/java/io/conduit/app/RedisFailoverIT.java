package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A Redis primary and replica (real servers) behind a {@link PrimaryEndpoint}, switched under
 * load, planned ({@code FAILOVER}) and by a crash: once the endpoint routes to the new primary, a
 * request may fail for at most 2 s more, never with a 401 or a 500, and no request hangs.
 */
class RedisFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(RedisFailoverIT.class);
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private int firstPort;
    private int secondPort;
    private RedisServer first;
    private RedisServer second;
    private PrimaryEndpoint endpoint;
    private TestApp app;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        Path dir = Files.createTempDirectory("conduit-failover");
        firstPort = FreePorts.pick();
        secondPort = FreePorts.pick();
        first = node(firstPort, dir.resolve("first")).build();
        first.start();
        second = node(secondPort, dir.resolve("second"))
                .slaveOf("127.0.0.1", firstPort)
                .build();
        second.start();
        awaitReplicating(secondPort);
        endpoint = PrimaryEndpoint.start(List.of(firstPort, secondPort));
        endpoint.awaitRoutingTo(firstPort, Duration.ofSeconds(10));
        app = TestApp.start(
                Map.of(
                        "CONDUIT_REDIS_URL", "redis://127.0.0.1:" + endpoint.port(),
                        // the limiter's script runs on every request, as in production
                        "CONDUIT_RATE_LIMIT_ANONYMOUS", "1000000000/1m",
                        "CONDUIT_RATE_LIMIT_USER", "1000000000/1m",
                        // sessions are renewed (a write) at most once a second instead of a minute
                        "CONDUIT_SESSION_IDLE_TIMEOUT", "10s"),
                Clock.systemUTC());
        http = new Http(app.baseUrl());
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        endpoint.close();
        second.stop();
        first.stop();
    }

    @Test
    void failsNoRequestLaterThanTwoSecondsAfterAPlannedFailover() throws Exception {
        var load = Load.start(http, registerUsers(6));
        Thread.sleep(1_000);

        try (var jedis = new Jedis("127.0.0.1", firstPort)) {
            assertThat(jedis.failover()).isEqualTo("OK");
        }
        long switched = endpoint.awaitRoutingTo(secondPort, Duration.ofSeconds(10));
        Thread.sleep(4_000);
        var outcomes = load.stop();

        assertRodeThrough(outcomes, switched);
    }

    @Test
    void failsNoRequestLaterThanTwoSecondsAfterTheReplicaReplacesACrashedPrimary() throws Exception {
        var load = Load.start(http, registerUsers(6));
        Thread.sleep(1_000);

        first.stop();
        Thread.sleep(500);
        try (var jedis = new Jedis("127.0.0.1", secondPort)) {
            jedis.replicaofNoOne();
        }
        long switched = endpoint.awaitRoutingTo(secondPort, Duration.ofSeconds(10));
        Thread.sleep(4_000);
        var outcomes = load.stop();

        assertRodeThrough(outcomes, switched);
    }

    @Test
    void answersASignedInReadWhenTheSessionRenewalIsRefused() throws Exception {
        var user = Users.register(http);
        awaitReplicating(secondPort);
        Thread.sleep(1_100); // the session is now due for renewal (idle timeout 10 s: once a second)

        try (var onReplica = TestApp.start(
                Map.of("CONDUIT_REDIS_URL", "redis://127.0.0.1:" + secondPort, "CONDUIT_SESSION_IDLE_TIMEOUT", "10s"),
                Clock.systemUTC())) {
            var read = new Http(onReplica.baseUrl()).get("/api/user", Http.token(user.token()));
            var metrics = new Http(onReplica.adminUrl()).get("/metrics").body();

            assertThat(read.status())
                    .as("the renewal is a write the replica refuses; the read needs none")
                    .isEqualTo(200);
            assertThat(metrics).contains("session_touch_failures_total 1.0");
        }
    }

    private static void assertRodeThrough(List<Outcome> outcomes, long switched) {
        var failures = outcomes.stream().filter(o -> !o.served()).toList();
        long lastFailureEnded =
                failures.stream().mapToLong(Outcome::ended).max().orElse(switched - SECOND);
        long slowest = outcomes.stream().mapToLong(Outcome::nanos).max().orElse(0);
        long servedLater = outcomes.stream()
                .filter(o -> o.served() && o.started() > switched + 2 * SECOND)
                .count();
        log.info(
                "{} requests, {} failed ({}), the last failure ended {} ms after the switch; slowest {} ms",
                outcomes.size(),
                failures.size(),
                failures.stream().map(o -> o.op() + " " + o.status()).distinct().toList(),
                (lastFailureEnded - switched) / 1_000_000,
                slowest / 1_000_000);

        assertThat(failures)
                .as("only 503s: never a 401 that logs a user out, never a 500")
                .allMatch(o -> o.status() == 503);
        assertThat((lastFailureEnded - switched) / 1_000_000)
                .as("ms from the switch to the end of the last failure")
                .isLessThanOrEqualTo(2_000);
        assertThat(slowest / 1_000_000).as("ms of the slowest request").isLessThan(2_500);
        assertThat(servedLater).as("requests served after the switch + 2 s").isGreaterThan(20);
    }

    private List<Users.Registered> registerUsers(int count) {
        var users = new ArrayList<Users.Registered>();
        for (int i = 0; i < count; i++) {
            users.add(Users.register(http));
        }
        return users;
    }

    private static RedisServerBuilder node(int port, Path dir) throws Exception {
        return RedisServer.newRedisServer()
                .port(port)
                .setting("bind 127.0.0.1")
                .setting("dir " + Files.createDirectories(dir))
                .setting("appendonly no")
                .setting("save \"\"");
    }

    private static void awaitReplicating(int replica) throws InterruptedException {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (System.nanoTime() < deadline) {
            try (var jedis = new Jedis("127.0.0.1", replica)) {
                if (jedis.info("replication").contains("master_link_status:up")) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the replica did not sync within 10 s");
    }

    /** One request: what it was, its status (0: no answer), when it started and ended. */
    private record Outcome(String op, int status, long started, long ended) {
        long nanos() {
            return ended - started;
        }

        boolean served() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Signed-in reads (session lookup, renewal, rate limit), anonymous lists (content version) and
     * logins (a session written), on a few threads with short pauses.
     */
    private static final class Load {
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;

        static Load start(Http http, List<Users.Registered> users) {
            var load = new Load();
            for (var user : users) {
                load.loop(() -> load.send("current user", () -> http.get("/api/user", Http.token(user.token()))));
            }
            load.loop(() -> load.send("articles", () -> http.get("/api/articles")));
            var user = users.get(0);
            load.loop(() -> load.send(
                    "login", () -> http.post("/api/users/login", Users.login(user.email(), user.password()))));
            return load;
        }

        private void loop(Runnable request) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stopped) {
                    request.run();
                    try {
                        Thread.sleep(5 + ThreadLocalRandom.current().nextInt(10));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        private void send(String op, java.util.function.Supplier<Http.Response> request) {
            long started = System.nanoTime();
            int status;
            try {
                status = request.get().status();
            } catch (UncheckedIOException e) {
                status = 0;
            }
            outcomes.add(new Outcome(op, status, started, System.nanoTime()));
        }

        List<Outcome> stop() throws InterruptedException {
            stopped = true;
            for (var thread : threads) {
                thread.join(Duration.ofSeconds(35));
            }
            return List.copyOf(outcomes);
        }
    }
}
