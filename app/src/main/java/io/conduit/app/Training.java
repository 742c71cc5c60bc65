package io.conduit.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload of {@code java -XX:AOTCacheOutput=conduit.aot -jar conduit.jar train}, the training
 * run from which the image build writes the JVM's AOT cache (JDK 25): every endpoint over loopback,
 * writes once or a few times, the reads that dominate real traffic many times, so the cache holds
 * the classes they load and link and the method profiles the JIT starts from. Every response is
 * checked: a JAR that answers wrongly fails the image build here rather than on an instance.
 */
final class Training {
    private static final Logger log = LoggerFactory.getLogger(Training.class);
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern SLUG = Pattern.compile("\"slug\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /** Rounds of reads: enough for the hot paths' profiles, a few seconds on one core. */
    static final int READ_ROUNDS = 300;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private int requests;

    private Training(URI api) {
        this.api = api;
    }

    /** Runs the workload against the API at {@code port} on loopback; returns the requests sent. */
    static int run(int port, int readRounds) {
        var training = new Training(URI.create("http://127.0.0.1:" + port));
        training.exercise(readRounds);
        return training.requests;
    }

    private void exercise(int readRounds) {
        long run = System.nanoTime();
        String author = register("train-a-" + run);
        String reader = register("train-r-" + run);
        String token = find(TOKEN, send("POST", "/api/users/login", null, user("train-a-" + run, false), 200));
        send("GET", "/api/user", token, null, 200);
        send("PUT", "/api/user", token, "{\"user\":{\"bio\":\"trains the AOT cache\"}}", 200);
        send("GET", "/api/profiles/train-a-" + run, reader, null, 200);
        send("POST", "/api/profiles/train-a-" + run + "/follow", reader, null, 200);

        String slug = find(
                SLUG,
                send(
                        "POST",
                        "/api/articles",
                        author,
                        "{\"article\":{\"title\":\"Training " + run + "\",\"description\":\"d\","
                                + "\"body\":\"b\",\"tagList\":[\"training\",\"aot\"]}}",
                        201));
        send("PUT", "/api/articles/" + slug, author, "{\"article\":{\"body\":\"trained\"}}", 200);
        send("POST", "/api/articles/" + slug + "/favorite", reader, null, 200);
        String comment = find(
                ID, send("POST", "/api/articles/" + slug + "/comments", reader, "{\"comment\":{\"body\":\"c\"}}", 201));

        for (int round = 0; round < readRounds; round++) {
            send("GET", "/api/articles?limit=20", null, null, 200);
            send("GET", "/api/articles?limit=20&offset=0", reader, null, 200);
            send("GET", "/api/articles?tag=training", reader, null, 200);
            send("GET", "/api/articles?author=train-a-" + run, null, null, 200);
            send("GET", "/api/articles?favorited=train-r-" + run, reader, null, 200);
            send("GET", "/api/articles/feed", reader, null, 200);
            send("GET", "/api/articles/" + slug, null, null, 200);
            send("GET", "/api/articles/" + slug, reader, null, 200);
            send("GET", "/api/articles/" + slug + "/comments", reader, null, 200);
            send("GET", "/api/tags", null, null, 200);
            send("GET", "/api/user", reader, null, 200);
            send("GET", "/api/profiles/train-a-" + run, reader, null, 200);
        }

        // The error paths a client meets: unknown, unauthenticated, invalid, conflicting.
        send("GET", "/api/articles/no-such-article-" + run, null, null, 404);
        send("GET", "/api/user", null, null, 401);
        send("POST", "/api/articles", author, "{\"article\":{}}", 422);
        send("POST", "/api/users", null, user("train-a-" + run, true), 409);
        send("POST", "/api/users/login", null, "not json", 422);

        send("DELETE", "/api/articles/" + slug + "/comments/" + comment, reader, null, 204);
        send("DELETE", "/api/articles/" + slug + "/favorite", reader, null, 200);
        send("DELETE", "/api/profiles/train-a-" + run + "/follow", reader, null, 200);
        send("DELETE", "/api/articles/" + slug, author, null, 204);
        send("DELETE", "/api/user/session", reader, null, 204);
        log.atInfo().addKeyValue("requests", requests).log("training run: {} requests answered as expected", requests);
    }

    private String register(String name) {
        return find(TOKEN, send("POST", "/api/users", null, user(name, true), 201));
    }

    private static String user(String name, boolean withUsername) {
        return "{\"user\":{" + (withUsername ? "\"username\":\"" + name + "\"," : "") + "\"email\":\"" + name
                + "@training.invalid\",\"password\":\"training-password-" + name + "\"}}";
    }

    private String send(String method, String path, @Nullable String token, @Nullable String body, int expected) {
        var request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " was interrupted", e);
        }
        requests++;
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ", not "
                    + expected + ": " + response.body());
        }
        return response.body();
    }

    private static String find(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in " + body);
        }
        return matcher.group(1);
    }
}
