package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.article;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idempotency-Key: replays byte for byte, acts once, refuses a changed request and a running duplicate. */
class IdempotencyIT {
    @RegisterExtension
    static final RunningApp app = new RunningApp();

    @RegisterExtension
    static final RunningApp other = new RunningApp();

    private static final Http http = app.http();

    @Test
    void replaysTheFirstResponseByteForByteWithoutActingAgainOnAnyInstance() {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String body = article(Users.unique("Once"), "d", "b", List.of("x"));

        var first = http.post("/api/articles", body, keyed(key, author));
        var retry = new Http(other.baseUrl()).post("/api/articles", body, keyed(key, author));

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(articlesBy(author.username())).isEqualTo(1);
    }

    @Test
    void refusesTheSameKeyWithADifferentBodyWith422() {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        http.post("/api/articles", article(Users.unique("First"), "d", "b", List.of()), keyed(key, author));

        var changed =
                http.post("/api/articles", article(Users.unique("Second"), "d", "b", List.of()), keyed(key, author));

        assertThat(changed.status()).isEqualTo(422);
        assertThat(changed.errors()).containsKey("Idempotency-Key");
        assertThat(articlesBy(author.username())).isEqualTo(1);
    }

    @Test
    void actsOnceForConcurrentDuplicatesAndAnswersTheRunningOnesWith409() throws Exception {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String body = article(Users.unique("Raced"), "d", "b", List.of());
        var client = HttpClient.newHttpClient();
        var responses = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 12; i++) {
            String base = i % 2 == 0 ? app.baseUrl() : other.baseUrl();
            responses.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/api/articles"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", key)
                            .header("Authorization", "Token " + author.token())
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        var statuses = responses.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(201, 409));
        assertThat(statuses).contains(201);
        assertThat(articlesBy(author.username())).isEqualTo(1);
    }

    @Test
    void scopesKeysToTheCaller() {
        var first = Users.register(http);
        var second = Users.register(http);
        String key = UUID.randomUUID().toString();

        var a = http.post("/api/articles", article(Users.unique("Mine"), "d", "b", List.of()), keyed(key, first));
        var b = http.post("/api/articles", article(Users.unique("Yours"), "d", "b", List.of()), keyed(key, second));

        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(b.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void boundsTheKeyLength() {
        var user = Users.register(http);

        var tooLong = http.put(
                "/api/user",
                "{\"user\":{\"bio\":\"x\"}}",
                "Idempotency-Key",
                "k".repeat(256),
                "Authorization",
                "Token " + user.token());

        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.errors()).containsKey("Idempotency-Key");
        assertThat(http.get("/api/user", token(user.token()))
                        .json()
                        .at("/user/bio")
                        .isNull())
                .isTrue();
    }

    @Test
    void neverRunsACommittedRequestAgainWhenItsResponseWasLost() throws Exception {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String title = Users.unique("Lost");
        String body = article(title, "d", "b", List.of());
        assertThat(http.post("/api/articles", body, keyed(key, author)).status())
                .isEqualTo(201);
        // As if the instance died after the commit and before it kept the response, long ago.
        rewrite(
                "state = 'committed', status = null, body = null, lease_until = now() - interval '1 hour'",
                recordOf(title));

        var retry = http.post("/api/articles", body, keyed(key, author));

        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.errors().get("Idempotency-Key").toString()).contains("carried out");
        assertThat(articlesBy(author.username())).isEqualTo(1);
    }

    @Test
    void refusesARetryWhileTheLeaseHoldsAndLetsItTakeOverOnceTheAttemptDiedBeforeCommitting() throws Exception {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String title = Users.unique("Died");
        String body = article(title, "d", "b", List.of());
        var first = http.post("/api/articles", body, keyed(key, author));
        assertThat(http.delete(
                                "/api/articles/"
                                        + first.json().at("/article/slug").asText(),
                                "Authorization",
                                "Token " + author.token())
                        .status())
                .isEqualTo(204);
        // As if the attempt had claimed the key and its instance died before it committed anything.
        String record = recordOf(title);
        rewrite("state = 'running', status = null, body = null, lease_until = now() + interval '1 minute'", record);

        var whileHeld = http.post("/api/articles", body, keyed(key, author));
        rewrite("lease_until = now() - interval '1 second'", record);
        var afterLease = http.post("/api/articles", body, keyed(key, author));

        assertThat(whileHeld.status()).isEqualTo(409);
        assertThat(whileHeld.header("Retry-After")).isEqualTo("1");
        assertThat(whileHeld.errors().get("Idempotency-Key").toString()).contains("still running");
        assertThat(afterLease.status()).isEqualTo(201);
        assertThat(afterLease.header("Idempotent-Replayed")).isNull();
        assertThat(articlesBy(author.username())).isEqualTo(1);
    }

    @Test
    void neverStoresASessionTokenAndAnswersARetriedRegistrationThatWentThroughWith409() throws Exception {
        String username = Users.unique("idem");
        String registration = Users.registration(username, username + "@example.com", "password123");
        String key = UUID.randomUUID().toString();

        var first = http.post("/api/users", registration, "Idempotency-Key", key);
        var retry = http.post("/api/users", registration, "Idempotency-Key", key);
        var login = http.post(
                "/api/users/login",
                Users.login(username + "@example.com", "password123"),
                "Idempotency-Key",
                UUID.randomUUID().toString());

        assertThat(first.status()).isEqualTo(201);
        String token = first.json().at("/user/token").asText();
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.errors().get("Idempotency-Key").toString()).contains("carried out");
        assertThat(login.status()).isEqualTo(200);
        assertThat(Database.count(
                        "select count(*) from platform.idempotency_key where body like ? or body like ?",
                        "%" + token + "%",
                        "%" + login.json().at("/user/token").asText() + "%"))
                .isZero();
    }

    @Test
    void keepsTheRecordInPostgresMarkedDoneWithTheResponse() throws Exception {
        var author = Users.register(http);
        String title = Users.unique("Kept");
        http.post(
                "/api/articles",
                article(title, "d", "b", List.of()),
                "Idempotency-Key",
                UUID.randomUUID().toString(),
                "Authorization",
                "Token " + author.token());

        assertThat(Database.count(
                        "select count(*) from platform.idempotency_key where state = 'done' and status = 201"
                                + " and body like ?",
                        "%" + title + "%"))
                .isEqualTo(1);
    }

    /** The stored key of the one record whose response mentions {@code text}. */
    private static String recordOf(String text) throws Exception {
        try (var connection = Database.connect();
                var statement =
                        connection.prepareStatement("select key from platform.idempotency_key where body like ?")) {
            statement.setString(1, "%" + text + "%");
            try (var rs = statement.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void rewrite(String assignments, String record) throws Exception {
        try (var connection = Database.connect();
                var statement = connection.prepareStatement(
                        "update platform.idempotency_key set " + assignments + " where key = ?")) {
            statement.setString(1, record);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    /** The headers of a signed-in request with an Idempotency-Key. */
    private static String[] keyed(String key, Users.Registered user) {
        return new String[] {"Idempotency-Key", key, "Authorization", "Token " + user.token()};
    }

    private static int articlesBy(String username) {
        return http.get("/api/articles?author=" + username)
                .json()
                .get("articlesCount")
                .asInt();
    }
}
