package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conduit.runtime.idempotency.Claim;
import io.conduit.runtime.idempotency.CommitObserver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every mutating route, taken from the running server's route table (a new route is covered without
 * editing this test), acts exactly once under a retried {@code Idempotency-Key} when its first
 * attempt dies right before its commit (its PostgreSQL backend is terminated, as when the instance
 * is killed) or right after it (the response is lost). Each route runs three times on fresh data:
 * cleanly, then with each death and a retry; the rows it adds or removes in every module's tables
 * (the outbox included) must be the same each time, and the retry must get a definitive answer.
 * Request bodies come from the examples of the project's OpenAPI document, made unique per run;
 * path parameters are filled with fresh data the caller owns.
 */
class ExactlyOnceIT {
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "DELETE");
    private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
    private static final Deaths deaths = new Deaths();

    @RegisterExtension
    static final RunningApp app = RunningApp.observedBy(deaths);

    private static final Http http = app.http();
    private static ApiDocument api;

    @BeforeAll
    static void start() {
        api = new ApiDocument(http);
    }

    @TestFactory
    Stream<DynamicTest> everyMutatingRouteActsOnceWhenItsFirstAttemptDiesBeforeOrAfterItsCommit() {
        List<String> routes = app.routes().stream()
                .filter(route -> MUTATING.contains(route.split(" ")[0]))
                .filter(route -> !route.split(" ")[1].startsWith("/api/v1/"))
                .distinct()
                .toList();
        assertThat(routes).as("mutating routes in the route table").hasSizeGreaterThanOrEqualTo(14);
        return routes.stream().map(route -> DynamicTest.dynamicTest(route, () -> actsOnce(route)));
    }

    @Test
    void aSlowAttemptThatIsAliveKeepsItsClaimAndItsRetryIsToldItStillRuns() throws Exception {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String body = ArticleRequests.article(Users.unique("Slow"), "d", "b", List.of());
        deaths.arm(key, Death.STALL);

        var first = CompletableFuture.supplyAsync(() -> http.post("/api/articles", body, keyed(key, author.token())));
        deaths.awaitStalled(key);
        var during = http.post("/api/articles", body, keyed(key, author.token()));
        deaths.release(key);
        var firstResponse = first.join();
        var after = http.post("/api/articles", body, keyed(key, author.token()));

        assertThat(during.status()).isEqualTo(409);
        assertThat(during.header("Retry-After")).isEqualTo("1");
        assertThat(during.errors().get("Idempotency-Key")).contains("still running");
        assertThat(firstResponse.status()).isEqualTo(201);
        assertThat(after.status()).isEqualTo(201);
        assertThat(after.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(after.body()).isEqualTo(firstResponse.body());
        assertThat(http.get("/api/articles?author=" + author.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(1);
    }

    private static void actsOnce(String route) throws Exception {
        String method = route.split(" ")[0];
        String template = route.split(" ")[1];
        Run clean = run(method, template, Death.NONE);
        assertThat(clean.first().status())
                .as("%s succeeds on fresh data (%s)", route, clean.first().body())
                .isBetween(200, 299);

        for (Death death : List.of(Death.BEFORE_COMMIT, Death.AFTER_COMMIT)) {
            Run run = run(method, template, death);
            Http.Response retry = run.retry();

            assertThat(run.effects())
                    .as("rows changed by %s when its first attempt died %s and was retried", route, death)
                    .isEqualTo(clean.effects());
            assertThat(retry.status())
                    .as("%s: the retry after a death %s answers (%s)", route, death, retry.body())
                    .isEqualTo(expectedRetryStatus(clean, death));
            if (retry.status() == clean.first().status()
                    && !clean.first().body().isEmpty()) {
                assertThat(fieldNames(retry.json()))
                        .isEqualTo(fieldNames(clean.first().json()));
            }
            if (death == Death.AFTER_COMMIT && retry.status() == clean.first().status()) {
                assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            }
            if (death == Death.BEFORE_COMMIT) {
                assertThat(retry.header("Idempotent-Replayed")).isNull();
            }
        }
    }

    /**
     * Before the commit nothing was done, so the retry runs afresh; after it, the retry gets the kept
     * response, or 409 "carried out" where the response carries a session token. A route that ended
     * the caller's own session (logout) leaves the retry with a token that no longer works: 401.
     */
    private static int expectedRetryStatus(Run clean, Death death) {
        if (!clean.callerStillSignedIn()) {
            return 401;
        }
        boolean credential = clean.first().status() < 300
                && !clean.first().body().isEmpty()
                && clean.first().json().at("/user/token").isTextual();
        return death == Death.AFTER_COMMIT && credential ? 409 : clean.first().status();
    }

    private static Run run(String method, String template, Death death) throws Exception {
        var caller = Users.register(http);
        String path = fill(template, caller);
        String body = body(method, template, caller);
        String key = UUID.randomUUID().toString();
        Map<String, Long> before = RowCounts.now();

        deaths.arm(key, death);
        var first = http.send(method, path, body, keyed(key, caller.token()));
        var retry = death == Death.NONE ? first : http.send(method, path, body, keyed(key, caller.token()));
        RowCounts.awaitOutbox();
        Map<String, Long> after = RowCounts.now();

        var effects = new TreeMap<String, Long>();
        after.forEach((table, count) -> {
            long delta = count - before.getOrDefault(table, 0L);
            if (delta != 0) {
                effects.put(table, delta);
            }
        });
        boolean signedIn = http.get("/api/user", Http.token(caller.token())).status() == 200;
        return new Run(first, retry, effects, signedIn);
    }

    private record Run(
            Http.Response first, Http.Response retry, Map<String, Long> effects, boolean callerStillSignedIn) {}

    /** Fills each path parameter with fresh data of the caller's (or, for a user name, another user). */
    private static String fill(String template, Users.Registered caller) {
        String path = template;
        String slug = null;
        Matcher m = PARAMETER.matcher(template);
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "slug" ->
                    slug = ArticleRequests.create(http, caller.token(), Users.unique("Fixture"), List.of())
                            .get("slug")
                            .asText();
                case "id" -> comment(slug, caller);
                case "username" -> Users.register(http).username();
                default ->
                    throw new AssertionError("no fixture for the path parameter {" + m.group(1) + "} of " + template
                            + ": teach ExactlyOnceIT.fill how to make one");
            };
            path = path.replace(m.group(), value);
        }
        return path;
    }

    private static String comment(String slug, Users.Registered caller) {
        var response = http.post(
                "/api/articles/" + slug + "/comments", ArticleRequests.comment("fixture"), Http.token(caller.token()));
        assertThat(response.status()).isEqualTo(201);
        return response.json().at("/comment/id").asText();
    }

    /**
     * The example body of the route's OpenAPI operation with every text made unique for this run,
     * or, for a login, the caller's credentials; null when the operation takes no body.
     */
    private static String body(String method, String template, Users.Registered caller) {
        assertThat(api.operation(method, template).isMissingNode())
                .as("%s %s is in the OpenAPI document", method, template)
                .isFalse();
        JsonNode content = api.requestBody(method, template);
        if (content.isMissingNode()) {
            return null;
        }
        if (content.path("schema").toString().contains("/LoginUser\"")) {
            return Users.login(caller.email(), caller.password());
        }
        JsonNode example = api.uniqueExample(method, template);
        assertThat(example)
                .as("%s %s has a request body example", method, template)
                .isNotNull();
        return example.toString();
    }

    private static Set<String> fieldNames(JsonNode node) {
        var names = new java.util.TreeSet<String>();
        node.properties().forEach(field -> {
            names.add(field.getKey());
            if (field.getValue().isObject()) {
                field.getValue().properties().forEach(inner -> names.add(field.getKey() + "." + inner.getKey()));
            }
        });
        return names;
    }

    private static String[] keyed(String key, String token) {
        return new String[] {"Idempotency-Key", key, "Authorization", "Token " + token};
    }

    enum Death {
        NONE,
        BEFORE_COMMIT,
        AFTER_COMMIT,
        /** Not a death: the attempt waits before its commit until released (a slow request). */
        STALL
    }

    /** Makes the attempt of an armed key die (or stall) at the moment it is armed for. */
    private static final class Deaths implements CommitObserver {
        private final Map<String, Death> armed = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<Void>> stalled = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<Void>> released = new ConcurrentHashMap<>();

        void arm(String key, Death death) {
            if (death != Death.NONE) {
                armed.put(sha256(key), death);
                stalled.put(sha256(key), new CompletableFuture<>());
                released.put(sha256(key), new CompletableFuture<>());
            }
        }

        void awaitStalled(String key) throws Exception {
            stalled.get(sha256(key)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }

        void release(String key) {
            released.get(sha256(key)).complete(null);
        }

        @Override
        public void beforeCommit(Claim claim, int backendPid) {
            String key = clientKey(claim);
            if (armed.remove(key, Death.BEFORE_COMMIT)) {
                terminate(backendPid);
                throw new IllegalStateException("simulated death of the instance before its commit");
            }
            if (armed.remove(key, Death.STALL)) {
                stalled.get(key).complete(null);
                released.get(key)
                        .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS)
                        .join();
            }
        }

        @Override
        public void afterCommit(Claim claim) {
            if (armed.remove(clientKey(claim), Death.AFTER_COMMIT)) {
                throw new IllegalStateException("simulated death of the instance after its commit");
            }
        }

        /** The claim's key is the caller's scope, a colon and the SHA-256 of the client's key. */
        private static String clientKey(Claim claim) {
            return claim.key().substring(claim.key().lastIndexOf(':') + 1);
        }

        /** As a killed instance: PostgreSQL ends the backend (and its transaction); waits until it is gone. */
        private static void terminate(int pid) {
            try {
                Database.count("select count(*) from (select pg_terminate_backend(?)) t", pid);
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (Database.count("select count(*) from pg_stat_activity where pid = ?", pid) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("backend " + pid + " still alive");
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
