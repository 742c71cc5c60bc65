package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import io.conduit.app.TestServices;
import io.conduit.runtime.idempotency.Claim;
import io.conduit.runtime.idempotency.CommitObserver;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The response cache's version of the lists moves once a write is committed, never before: a request with an
 * {@code Idempotency-Key} commits only when its response is ready, so its write is announced at
 * that commit (after the key's record is written), not when the module's own call returns; and a
 * keyed request whose commit fails announces nothing.
 */
class CacheInvalidationIT {
    private static final Moments moments = new Moments();
    private static TestApp app;
    private static Http http;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of(), Clock.systemUTC(), moments);
        http = new Http(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void movesTheVersionForAKeyedWriteOnlyOnceItsRequestCommits() {
        var author = Users.register(http);
        String before = version();

        var created = createArticle(author.token());

        assertThat(created.status()).isEqualTo(201);
        assertThat(moments.beforeCommit)
                .as("the version just before the commit")
                .isEqualTo(before);
        assertThat(moments.afterCommit).as("the version just after the commit").isNotEqualTo(before);
    }

    @Test
    void leavesTheVersionAloneWhenAKeyedWriteFailsToCommit() {
        var author = Users.register(http);
        String before = version();
        moments.failNextCommit = true;

        var failed = createArticle(author.token());

        assertThat(failed.status()).isEqualTo(503);
        assertThat(version()).isEqualTo(before);
    }

    private static Http.Response createArticle(String token) {
        String title = Users.unique("announced");
        return http.post(
                "/api/articles",
                ArticleRequests.article(title, "about it", "its body", List.of()),
                "Idempotency-Key",
                UUID.randomUUID().toString(),
                "Authorization",
                "Token " + token);
    }

    private static String version() {
        try (var jedis = new Jedis(URI.create(TestServices.environment().get("CONDUIT_REDIS_URL")))) {
            return jedis.get("cache:scope:list:all"); // the lists' version: every new article moves it
        }
    }

    /** Reads the version at the two moments of a keyed request's commit; can make the commit fail. */
    private static final class Moments implements CommitObserver {
        volatile String beforeCommit;
        volatile String afterCommit;
        volatile boolean failNextCommit;

        @Override
        public void beforeCommit(Claim claim, int backendPid) {
            beforeCommit = version();
            if (failNextCommit) {
                failNextCommit = false;
                throw new IllegalStateException("simulated failure of the commit");
            }
        }

        @Override
        public void afterCommit(Claim claim) {
            afterCommit = version();
        }
    }
}
