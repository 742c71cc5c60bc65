package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code conduit.jar}, run as ops run it: configuration, JSON logs, SIGTERM. */
class ConduitJarIT {
    private static final Path JAR = Path.of(System.getProperty("conduit.jar", "target/conduit.jar"));
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path workDir;

    @Test
    void refusesToStartWithoutConfigurationNamingEveryMissingVariable() throws Exception {
        var process = jar(Map.of(), List.of());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String output = output();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("CONDUIT_DB_URL", "CONDUIT_DB_USER", "CONDUIT_DB_PASSWORD", "CONDUIT_REDIS_URL");
        assertThat(workDir.resolve(".conduit-dev")).doesNotExist();
    }

    /**
     * The image build's training run (ansible role conduit_app): every endpoint answered as expected,
     * its databases removed, and an AOT cache the JVM then maps ({@code AOTMode=on} refuses to start
     * with a cache it cannot use; the start itself then stops at the missing configuration).
     */
    @Test
    void theTrainingRunWritesAnAotCacheTheJvmUses() throws Exception {
        Path cache = workDir.resolve("conduit.aot");
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        var training =
                jar(Map.of(), List.of("-XX:AOTCacheOutput=" + cache, "-Djava.io.tmpdir=" + tmp), List.of("train"));

        assertThat(training.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String output = output();
        assertThat(training.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("training run: \\d+ requests answered as expected");
        assertThat(cache).isNotEmptyFile();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString))
                    .noneMatch(name -> name.startsWith("conduit-train"));
        }

        var start = jar(Map.of(), List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"), List.of());
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output()).doesNotContain("AOT cache").contains("CONDUIT_DB_URL");
        assertThat(start.exitValue()).isEqualTo(1);
    }

    @Test
    void refusesAMalformedValueNamingIt() throws Exception {
        var env = new HashMap<>(TestServices.environment());
        env.put("CONDUIT_HTTP_PORT", "eighty");
        env.put("CONDUIT_REDIS_URL", "http://not-redis");

        var process = jar(env, List.of());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output())
                .contains("CONDUIT_HTTP_PORT", "CONDUIT_REDIS_URL")
                .doesNotContain("CONDUIT_DB_URL is missing");
    }

    @Test
    void finishesInFlightRequestsOnSigtermExitsZeroAndNeverLogsAToken() throws Exception {
        int port = FreePorts.pick();
        int adminPort = FreePorts.pick();
        var process = jar(production(port, adminPort, "0s"), List.of());
        var http = new Http("http://127.0.0.1:" + port);
        awaitReady(http);
        var first = Users.register(http);

        var inFlight = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        var client = HttpClient.newHttpClient();
        for (int i = 0; i < 14; i++) {
            String name = Users.unique("inflight");
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            Users.registration(name, name + "@example.com", "password123")))
                    .build();
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        // Each registration hashes a password, one at a time, so most of them wait inside the server.
        // SIGTERM goes out once every request is either answered or inside the server, with at
        // least three still in flight.
        awaitAllInsideServer(new Http("http://127.0.0.1:" + adminPort), inFlight, 3);
        process.destroy(); // SIGTERM

        var tokens = new ArrayList<String>(List.of(first.token()));
        for (var future : inFlight) {
            var response = future.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            tokens.add(response.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        String output = output();
        assertThat(output).contains("\"route\":\"/api/users\"", "\"requestId\":", "stopped");
        for (String token : tokens) {
            assertThat(output).doesNotContain(token);
        }
    }

    @Test
    void turnsReadinessTo503WhileStillServingDuringTheDrain() throws Exception {
        int port = FreePorts.pick();
        var process = jar(production(port, FreePorts.pick(), "3s"), List.of());
        var http = new Http("http://127.0.0.1:" + port);
        awaitReady(http);
        var user = Users.register(http);

        process.destroy();
        Thread.sleep(500);

        var ready = http.get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("status").asText()).isEqualTo("DRAINING");
        assertThat(http.get("/api/user", Http.token(user.token())).status()).isEqualTo(200);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    private Map<String, String> production(int port, int adminPort, String drain) {
        var env = new HashMap<>(TestServices.environment());
        env.put("CONDUIT_PASSWORD_HASH_CONCURRENCY", "1");
        env.put("CONDUIT_HTTP_PORT", Integer.toString(port));
        env.put("CONDUIT_ADMIN_PORT", Integer.toString(adminPort));
        env.put("CONDUIT_SHUTDOWN_DRAIN", drain);
        env.put("CONDUIT_LOG_FORMAT", "json");
        return env;
    }

    private Process jar(Map<String, String> env, List<String> args) throws IOException {
        return jar(env, List.of(), args);
    }

    private Process jar(Map<String, String> env, List<String> jvmOptions, List<String> args) throws IOException {
        var command = new ArrayList<>(List.of(JAVA));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        command.addAll(args);
        var builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("output.log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("CONDUIT_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private String output() throws IOException {
        return Files.readString(workDir.resolve("output.log"));
    }

    private static void awaitAllInsideServer(
            Http admin, List<CompletableFuture<HttpResponse<String>>> requests, int stillRunning)
            throws InterruptedException {
        var gauge = Pattern.compile("(?m)^http_server_requests_active (\\d+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            // Count the answered ones first: one finishing between the two reads is counted in
            // neither, never in both, so the sum never overstates how many got in.
            long answered = requests.stream().filter(CompletableFuture::isDone).count();
            Matcher m = gauge.matcher(admin.get("/metrics").body());
            if (m.find()) {
                int active = Integer.parseInt(m.group(1));
                if (answered + active >= requests.size() && active >= stillRunning) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the requests never were all inside the server at once");
    }

    private static void awaitReady(Http http) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.get("/health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("conduit.jar did not become ready within 60 s");
    }
}
