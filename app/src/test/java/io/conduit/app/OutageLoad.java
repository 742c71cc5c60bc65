package io.conduit.app;

import io.conduit.app.api.Http;
import io.conduit.app.api.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients that keep sending a mix of requests (one every 25 ms each) and record every answer with
 * when it was sent and received: signed-in article lists and the feed (several connection borrows
 * in a row), the current user, an anonymous list (cached), and comments and follows with an
 * Idempotency-Key (its record is written before and after the handler).
 */
final class OutageLoad {
    private static final List<String> REQUESTS = List.of(
            "GET /api/articles?author (signed in)",
            "GET /api/articles/feed",
            "GET /api/user",
            "GET /api/articles (anonymous)",
            "POST /api/articles/{slug}/comments with a key",
            "POST /api/profiles/{username}/follow with a key");

    private final Http http;
    private final Users.Registered author;
    private final Users.Registered reader;
    private final String slug;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    OutageLoad(Http http, Users.Registered author, Users.Registered reader, String slug) {
        this.http = http;
        this.author = author;
        this.reader = reader;
        this.slug = slug;
    }

    void start(int clientCount) {
        for (int i = 0; i < clientCount; i++) {
            clients.add(Thread.ofPlatform().daemon().name("outage-client-" + i).start(this::run));
        }
    }

    List<Answer> stop() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
        return List.copyOf(answers);
    }

    private void run() {
        String[] token = Http.token(reader.token());
        while (running.get()) {
            int kind = ThreadLocalRandom.current().nextInt(REQUESTS.size());
            long started = System.nanoTime();
            try {
                Http.Response response = switch (kind) {
                    case 0 -> http.get("/api/articles?author=" + author.username(), token);
                    case 1 -> http.get("/api/articles/feed", token);
                    case 2 -> http.get("/api/user", token);
                    case 3 -> http.get("/api/articles");
                    case 4 ->
                        http.post(
                                "/api/articles/" + slug + "/comments",
                                "{\"comment\":{\"body\":\"during the outage\"}}",
                                keyed(token));
                    default -> http.post("/api/profiles/" + author.username() + "/follow", null, keyed(token));
                };
                answers.add(new Answer(
                        REQUESTS.get(kind),
                        started,
                        System.nanoTime(),
                        response.status(),
                        response.header("Retry-After") != null));
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                answers.add(new Answer(REQUESTS.get(kind) + " " + e, started, System.nanoTime(), 0, false));
            }
        }
    }

    private static String[] keyed(String[] token) {
        return new String[] {
            token[0], token[1], "Idempotency-Key", UUID.randomUUID().toString()
        };
    }

    /** One answer, with the moments (System.nanoTime) it was sent and received. */
    record Answer(String request, long startedNanos, long endedNanos, int status, boolean retryAfter) {
        long millis() {
            return (endedNanos - startedNanos) / 1_000_000;
        }
    }
}
