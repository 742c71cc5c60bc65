package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.create;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No N+1: a list or feed costs the same, small number of SQL statements for 1 article as for 100.
 * The number comes from the access log's dbStatements, counted by a Jdbi SqlLogger.
 */
class StatementCountIT {
    /** The most statements any list may take: page, count, authors, follows, and a username lookup. */
    static final int MAX_STATEMENTS = 6;

    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();
    private static AccessLogCapture accessLog;
    private static Users.Registered author;
    private static Users.Registered reader;
    private static String tag;

    @BeforeAll
    static void seed() {
        accessLog = new AccessLogCapture();
        author = Users.register(http);
        reader = Users.register(http);
        tag = Users.unique("bulk");
        for (int i = 0; i < 110; i++) {
            String slug = create(http, author.token(), Users.unique("Bulk " + i), List.of(tag, "common"))
                    .get("slug")
                    .asText();
            if (i % 2 == 0) {
                http.post("/api/articles/" + slug + "/favorite", "", token(reader.token()));
            }
        }
        http.post("/api/profiles/" + author.username() + "/follow", "", token(reader.token()));
        awaitKeptValuesServed();
    }

    /** Values are kept once the instance's invalidation from Redis is proven (a moment after start). */
    private static void awaitKeptValuesServed() {
        var admin = new Http(app.adminUrl());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!admin.get("/metrics").body().contains("redis_tracking_live 1.0")) {
            assertThat(System.nanoTime()).as("tracking live").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @AfterAll
    static void stop() {
        accessLog.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/api/articles?", "/api/articles?tag=TAG&", "/api/articles?author=AUTHOR&",
                "/api/articles?favorited=READER&", "/api/articles/feed?", "/api/articles?tag=TAG&author=AUTHOR&"
            })
    void costsTheSameStatementsForOneArticleAsForAHundred(String query) {
        String path =
                query.replace("TAG", tag).replace("AUTHOR", author.username()).replace("READER", reader.username());

        statements(path + "limit=2", true); // the reader's favorites and follows are now kept (another page)
        int one = statements(path + "limit=1", true);
        int hundred = statements(path + "limit=100", true);
        int anonymous = path.contains("feed") ? hundred : statements(path + "limit=100", false);

        // At most one more: the favorites counts of the rows not yet kept, loaded in one batch.
        assertThat(hundred).isBetween(one, one + 1).isLessThanOrEqualTo(MAX_STATEMENTS);
        assertThat(anonymous).isLessThanOrEqualTo(hundred);
    }

    private static int statements(String path, boolean withToken) {
        String requestId = UUID.randomUUID().toString();
        var response = withToken
                ? http.get(path, "X-Request-Id", requestId, "Authorization", "Token " + reader.token())
                : http.get(path, "X-Request-Id", requestId);
        assertThat(response.status()).isEqualTo(200);
        if (path.contains("limit=100")) {
            assertThat(response.json().get("articles").size())
                    .as(path)
                    .isGreaterThanOrEqualTo(path.contains("favorited") ? 55 : 100);
        }
        return (Integer) accessLog.field(requestId, "dbStatements");
    }
}
