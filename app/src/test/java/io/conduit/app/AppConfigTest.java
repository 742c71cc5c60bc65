package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {
    private static final Map<String, String> MINIMAL = Map.of(
            "CONDUIT_DB_URL", "jdbc:postgresql://db:5432/conduit",
            "CONDUIT_DB_USER", "conduit",
            "CONDUIT_DB_PASSWORD", "secret",
            "CONDUIT_REDIS_URL", "redis://cache:6379");

    @Test
    void appliesTheDocumentedDefaults() {
        var config = AppConfig.fromEnv(MINIMAL);

        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.adminPort()).isEqualTo(9090);
        assertThat(config.http().corsOrigins()).containsExactly("*");
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(config.identity().sessionIdleTimeout()).isEqualTo(Duration.ofDays(7));
        assertThat(config.identity().sessionAbsoluteLifetime()).isEqualTo(Duration.ofDays(30));
        assertThat(config.drainPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.logFormat()).isEqualTo("json");
        assertThat(config.redis().tls()).isFalse();
        assertThat(config.redis().password()).isNull();
    }

    @Test
    void takesThePasswordsFromTheirFilesWhenFilesAreNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var db = java.nio.file.Files.writeString(dir.resolve("db_password"), "from-file\n");
        var redis = java.nio.file.Files.writeString(dir.resolve("redis_password"), "token-from-file\n");
        var env = new HashMap<>(MINIMAL);
        env.remove("CONDUIT_DB_PASSWORD");
        env.put("CONDUIT_DB_PASSWORD_FILE", db.toString());
        env.put("CONDUIT_REDIS_PASSWORD_FILE", redis.toString());

        var config = AppConfig.fromEnv(env);

        assertThat(config.database().password()).isEqualTo("from-file");
        assertThat(config.redis().password()).isEqualTo("token-from-file");
        assertThat(config.credentialFiles().database()).isEqualTo(db);
    }

    @Test
    void namesAnUnreadablePasswordFile() {
        var env = new HashMap<>(MINIMAL);
        env.put("CONDUIT_DB_PASSWORD_FILE", "/nonexistent/db_password");

        assertThatThrownBy(() -> AppConfig.fromEnv(env)).hasMessageContaining("CONDUIT_DB_PASSWORD_FILE");
    }

    @Test
    void namesEveryMissingVariableInOneMessage() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONDUIT_DB_URL is missing")
                .hasMessageContaining("CONDUIT_DB_USER is missing")
                .hasMessageContaining("CONDUIT_DB_PASSWORD is missing")
                .hasMessageContaining("CONDUIT_REDIS_URL is missing");
    }

    @Test
    void namesEveryMalformedValue() {
        var env = new HashMap<>(MINIMAL);
        env.put("CONDUIT_HTTP_PORT", "70000");
        env.put("CONDUIT_DB_URL", "postgres://db/conduit");
        env.put("CONDUIT_SESSION_IDLE_TIMEOUT", "soon");
        env.put("CONDUIT_LOG_FORMAT", "xml");

        assertThatThrownBy(() -> AppConfig.fromEnv(env))
                .hasMessageContaining("CONDUIT_HTTP_PORT")
                .hasMessageContaining("CONDUIT_DB_URL")
                .hasMessageContaining("CONDUIT_SESSION_IDLE_TIMEOUT")
                .hasMessageContaining("CONDUIT_LOG_FORMAT");
    }

    @Test
    void readsTlsAndThePasswordFromTheRedisUrl() {
        var env = new HashMap<>(MINIMAL);
        env.put("CONDUIT_REDIS_URL", "rediss://:s%40cret@primary.cache.amazonaws.com:6380");

        var redis = AppConfig.fromEnv(env).redis();

        assertThat(redis.tls()).isTrue();
        assertThat(redis.host()).isEqualTo("primary.cache.amazonaws.com");
        assertThat(redis.port()).isEqualTo(6380);
        assertThat(redis.password()).isEqualTo("s@cret");
        assertThat(redis.user()).isNull();
        assertThat(redis.toString()).doesNotContain("s@cret");
    }

    @Test
    void refusesAnIdleTimeoutLongerThanTheAbsoluteLifetime() {
        var env = new HashMap<>(MINIMAL);
        env.put("CONDUIT_SESSION_IDLE_TIMEOUT", "2d");
        env.put("CONDUIT_SESSION_ABSOLUTE_LIFETIME", "1d");

        assertThatThrownBy(() -> AppConfig.fromEnv(env)).hasMessageContaining("CONDUIT_SESSION_IDLE_TIMEOUT");
    }

    @Test
    void parsesShortAndIsoDurations() {
        assertThat(Env.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Env.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Env.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Env.parseDuration("30")).isNull();
    }
}
