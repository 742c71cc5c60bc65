package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.comment;
import static io.conduit.app.api.ArticleRequests.create;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deleting an article purges its comments through the outbox: it happens, once, on any instance,
 * and still happens when the instance that committed the delete dies before delivering.
 */
class OutboxIT {
    private static final String COMMENTS_OF = "select count(*) from comments.comment where article_id = ?";
    private static final String DELIVERIES = """
            select count(*) from platform.event_publication
            where subscriber = 'comments.purge-on-article-deleted' and payload->'articleId'->>'value' = ?
              and completed_at is not null and attempts = 1
            """;
    private static final String PENDING = """
            select count(*) from platform.event_publication
            where payload->'articleId'->>'value' = ? and completed_at is null
            """;

    @Test
    void purgesTheCommentsOfADeletedArticleExactlyOnceWithTwoInstancesRelaying() throws Exception {
        try (var first = TestApp.start();
                var second = TestApp.start()) {
            var http = new Http(first.baseUrl());
            var author = Users.register(http);
            var articles = new ArrayList<Long>();
            for (int i = 0; i < 6; i++) {
                String slug = create(http, author.token(), Users.unique("Purged"), List.of())
                        .get("slug")
                        .asText();
                http.post("/api/articles/" + slug + "/comments", comment("a comment"), token(author.token()));
                http.post("/api/articles/" + slug + "/comments", comment("another"), token(author.token()));
                articles.add(articleId(slug));
                var via = i % 2 == 0 ? http : new Http(second.baseUrl());
                assertThat(via.delete("/api/articles/" + slug, token(author.token()))
                                .status())
                        .isEqualTo(204);
            }

            for (long id : articles) {
                awaitZero(COMMENTS_OF, id);
                assertThat(Database.count(DELIVERIES, Long.toString(id)))
                        .as("deliveries of article %d", id)
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void stillPurgesWhenTheInstanceDiesBetweenCommitAndDelivery() throws Exception {
        String slug;
        long id;
        // An instance whose relay would not run for an hour: it commits the delete and its event, then dies.
        try (var doomed = TestApp.start(Map.of("CONDUIT_OUTBOX_POLL_INTERVAL", "1h"), Clock.systemUTC())) {
            var http = new Http(doomed.baseUrl());
            var author = Users.register(http);
            slug = create(http, author.token(), Users.unique("Orphaned"), List.of())
                    .get("slug")
                    .asText();
            http.post("/api/articles/" + slug + "/comments", comment("left behind"), token(author.token()));
            id = articleId(slug);
            assertThat(http.delete("/api/articles/" + slug, token(author.token()))
                            .status())
                    .isEqualTo(204);
        }
        assertThat(Database.count(PENDING, Long.toString(id))).isEqualTo(1);
        assertThat(Database.count(COMMENTS_OF, id)).isEqualTo(1);

        try (var survivor = TestApp.start()) {
            awaitZero(COMMENTS_OF, id);
            assertThat(Database.count(DELIVERIES, Long.toString(id))).isEqualTo(1);
            assertThat(Database.count(PENDING, Long.toString(id))).isZero();
        }
    }

    private static long articleId(String slug) throws SQLException {
        try (var connection = Database.connect();
                var statement = connection.prepareStatement("select id from articles.article where slug = ?")) {
            statement.setString(1, slug);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitZero(String sql, long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Database.count(sql, id) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + Database.count(sql, id) + " rows for article " + id);
            }
            Thread.sleep(50);
        }
    }
}
