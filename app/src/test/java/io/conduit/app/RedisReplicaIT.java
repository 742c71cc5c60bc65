package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * An instance whose Redis endpoint is a replica (a standby region before its failover): sessions
 * are read from it, so signed-in reads go on; a write to it (logging in) is a 503 at once that says
 * the store is read-only — not resent as through a failover, no connection retired, the circuit
 * breaker not opened by it. Promoted, it takes the writes at once.
 */
class RedisReplicaIT {
    private static final long SETTLE_NANOS = 5_000_000_000L;

    private RedisServer primary;
    private RedisServer replica;
    private int primaryPort;
    private int replicaPort;
    private TestApp onPrimary;
    private TestApp onReplica;

    @BeforeEach
    void start() throws Exception {
        primaryPort = FreePorts.pick();
        primary = RedisServer.newRedisServer()
                .port(primaryPort)
                .setting("bind 127.0.0.1")
                .build();
        primary.start();
        replicaPort = FreePorts.pick();
        replica = RedisServer.newRedisServer()
                .port(replicaPort)
                .setting("bind 127.0.0.1")
                .setting("replicaof 127.0.0.1 " + primaryPort)
                .build();
        replica.start();
        onPrimary = TestApp.start(redis(primaryPort), Clock.systemUTC());
        onReplica = TestApp.start(redis(replicaPort), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {onReplica, onPrimary}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        replica.stop();
        primary.stop();
    }

    @Test
    void signedInReadsGoOnWritesGet503AtOnceAndResumeWhenPromoted() throws Exception {
        var user = Users.register(new Http(onPrimary.baseUrl()));
        var standby = new Http(onReplica.baseUrl());
        Http.Response current = awaitStatus(() -> standby.get("/api/user", Http.token(user.token())), 200);
        assertThat(current.json().at("/user/username").asText()).isEqualTo(user.username());

        // The role is probed every second; before the first answer a write is resent as in a failover.
        Http.Response login =
                awaitReadOnly(() -> standby.post("/api/users/login", Users.login(user.email(), user.password())));
        // The writes resent before the role was known may have opened the breaker: it closes again
        // on its next trial (half a second), as after any failover.
        awaitStatus(() -> standby.get("/api/user", Http.token(user.token())), 200);
        long connectionsBefore = connectionsReceived(replicaPort);
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            login = standby.post("/api/users/login", Users.login(user.email(), user.password()));
            assertThat(login.status()).as(login.body()).isEqualTo(503);
            assertThat(System.nanoTime() - started)
                    .as("refused at once, not resent")
                    .isLessThan(500_000_000L);
            assertThat(login.header("Retry-After")).isNotBlank();
            assertThat(login.errors().get("redis")).contains("read-only");
            assertThat(standby.get("/api/user", Http.token(user.token())).status())
                    .as("reads go on; the breaker did not count the refusals")
                    .isEqualTo(200);
        }
        assertThat(connectionsReceived(replicaPort) - connectionsBefore)
                .as("no connection retired and reopened per refusal (the role probe opens one a second)")
                .isLessThan(10);

        try (var jedis = new Jedis("127.0.0.1", replicaPort)) {
            jedis.replicaofNoOne();
        }
        login = awaitStatus(() -> standby.post("/api/users/login", Users.login(user.email(), user.password())), 200);
        assertThat(login.json().at("/user/token").asText()).isNotBlank();
    }

    private static Map<String, String> redis(int port) {
        var env = new HashMap<>(TestServices.environment());
        env.put("CONDUIT_REDIS_URL", "redis://127.0.0.1:" + port);
        return env;
    }

    private static long connectionsReceived(int port) {
        try (var jedis = new Jedis("127.0.0.1", port)) {
            String stats = jedis.info("stats");
            for (String line : stats.split("\r?\n")) {
                if (line.startsWith("total_connections_received:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        throw new IllegalStateException("no total_connections_received in INFO stats");
    }

    private static Http.Response awaitStatus(java.util.function.Supplier<Http.Response> request, int status)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        Http.Response response = request.get();
        while (response.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            response = request.get();
        }
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        return response;
    }

    private static Http.Response awaitReadOnly(java.util.function.Supplier<Http.Response> request)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        Http.Response response = request.get();
        while (!response.body().contains("read-only") && System.nanoTime() < deadline) {
            assertThat(response.status()).as(response.body()).isEqualTo(503);
            Thread.sleep(100);
            response = request.get();
        }
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        return response;
    }
}
