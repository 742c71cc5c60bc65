package io.conduit.app;

import io.conduit.identity.AccountLimits;
import io.conduit.identity.IdentitySettings;
import io.conduit.runtime.events.OutboxSettings;
import io.conduit.runtime.http.HttpSettings;
import io.conduit.runtime.http.RateLimits;
import io.conduit.runtime.idempotency.IdempotencySettings;
import io.conduit.runtime.redis.RedisSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the process is configured with, read once from {@code CONDUIT_*} environment
 * variables. The README's configuration table lists each variable; keep the two in step.
 *
 * @param drainPeriod after SIGTERM, how long readiness answers 503 while requests are still served
 * @param credentialFiles the password files the running app follows ({@link RotatedCredentials})
 */
record AppConfig(
        DatabaseSettings database,
        RedisSettings redis,
        HttpSettings http,
        int adminPort,
        IdentitySettings identity,
        Duration drainPeriod,
        OutboxSettings outbox,
        IdempotencySettings idempotency,
        boolean responseCache,
        String logFormat,
        CredentialFiles credentialFiles) {

    static final List<String> LOG_FORMATS = List.of("json", "text");

    /** Reads and validates the configuration; throws naming every missing or malformed variable. */
    static AppConfig fromEnv(Map<String, String> environment) {
        var env = new Env(environment);
        var files = new CredentialFiles(
                env.optional("CONDUIT_DB_PASSWORD_FILE").map(Path::of).orElse(null),
                env.optional("CONDUIT_REDIS_PASSWORD_FILE").map(Path::of).orElse(null));
        var database = new DatabaseSettings(
                jdbcUrl(env),
                env.required("CONDUIT_DB_USER", false),
                files.database() == null
                        ? env.required("CONDUIT_DB_PASSWORD", true)
                        : secretFile(env, "CONDUIT_DB_PASSWORD_FILE", files.database()),
                env.integer("CONDUIT_DB_POOL_SIZE", 10, 1, 500),
                env.duration("CONDUIT_DB_CONNECTION_TIMEOUT", Duration.ofMillis(750)),
                env.duration("CONDUIT_DB_STATEMENT_TIMEOUT", Duration.ofSeconds(5)));
        var redis = files.redis() == null
                ? redis(env)
                : withPassword(redis(env), secretFile(env, "CONDUIT_REDIS_PASSWORD_FILE", files.redis()));
        int cpus = Runtime.getRuntime().availableProcessors();
        var http = new HttpSettings(
                env.integer("CONDUIT_HTTP_PORT", 8080, 0, 65535),
                env.list("CONDUIT_CORS_ORIGINS", List.of("*")),
                env.integer("CONDUIT_MAX_REQUEST_BYTES", 1_048_576, 1024, 64 * 1_048_576),
                env.duration("CONDUIT_HTTP_IDLE_TIMEOUT", Duration.ofSeconds(75)),
                env.duration("CONDUIT_SHUTDOWN_TIMEOUT", Duration.ofSeconds(20)),
                env.integer("CONDUIT_TRUSTED_PROXY_HOPS", 0, 0, 10),
                new RateLimits(
                        env.rateLimit("CONDUIT_RATE_LIMIT_ANONYMOUS", "anonymous", "3000/1m"),
                        env.rateLimit("CONDUIT_RATE_LIMIT_USER", "user", "1200/1m")));
        var accountLimits = new AccountLimits(
                env.rateLimit("CONDUIT_RATE_LIMIT_LOGIN_PER_ADDRESS", "login-address", "600/15m"),
                env.rateLimit("CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT", "login-account", "50/15m"),
                env.rateLimit("CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS", "login-account-address", "10/15m"),
                env.rateLimit("CONDUIT_RATE_LIMIT_REGISTRATION_PER_ADDRESS", "registration-address", "300/1h"));
        var idempotency = new IdempotencySettings(env.duration("CONDUIT_IDEMPOTENCY_RETENTION", Duration.ofHours(24)));
        int adminPort = env.integer("CONDUIT_ADMIN_PORT", 9090, 0, 65535);
        Duration idle = env.duration("CONDUIT_SESSION_IDLE_TIMEOUT", Duration.ofDays(7));
        Duration absolute = env.duration("CONDUIT_SESSION_ABSOLUTE_LIFETIME", Duration.ofDays(30));
        if (absolute.compareTo(idle) < 0 || idle.isZero()) {
            env.problem(
                    "CONDUIT_SESSION_IDLE_TIMEOUT must be positive and not longer than CONDUIT_SESSION_ABSOLUTE_LIFETIME");
            idle = absolute.isZero() ? Duration.ofDays(7) : absolute;
        }
        int hashConcurrency = env.integer("CONDUIT_PASSWORD_HASH_CONCURRENCY", cpus, 1, 256);
        Duration drain = env.duration("CONDUIT_SHUTDOWN_DRAIN", Duration.ofSeconds(10));
        String logFormat = env.oneOf("CONDUIT_LOG_FORMAT", "json", LOG_FORMATS);
        boolean responseCache =
                env.oneOf("CONDUIT_RESPONSE_CACHE", "on", List.of("on", "off")).equals("on");
        var outbox = new OutboxSettings(
                env.duration("CONDUIT_OUTBOX_POLL_INTERVAL", Duration.ofMillis(250)),
                100,
                env.duration("CONDUIT_OUTBOX_ALERT_AGE", Duration.ofMinutes(5)),
                Duration.ofDays(7));
        if (http.port() != 0 && http.port() == adminPort) {
            env.problem("CONDUIT_HTTP_PORT and CONDUIT_ADMIN_PORT must differ");
        }
        if (!env.problems().isEmpty()) {
            throw new ConfigException(env.problems());
        }
        return new AppConfig(
                database,
                redis,
                http,
                adminPort,
                new IdentitySettings(idle, absolute, hashConcurrency, accountLimits),
                drain,
                outbox,
                idempotency,
                responseCache,
                logFormat,
                files);
    }

    /** The secret in a {@code *_FILE} variable's file; the file wins over the secret in the variable. */
    private static String secretFile(Env env, String name, Path file) {
        try {
            return RotatedCredentials.read(file);
        } catch (IOException | RuntimeException e) {
            env.problem(name + " names a file that cannot be read (" + file + ": "
                    + e.getClass().getSimpleName() + ")");
            return "";
        }
    }

    private static RedisSettings withPassword(RedisSettings s, String password) {
        return new RedisSettings(
                s.host(),
                s.port(),
                s.tls(),
                s.user(),
                emptyToNull(password),
                s.poolSize(),
                s.connectTimeout(),
                s.socketTimeout(),
                s.borrowTimeout());
    }

    private static String jdbcUrl(Env env) {
        String url = env.required("CONDUIT_DB_URL", false);
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
            env.problem("CONDUIT_DB_URL must be a JDBC URL starting with jdbc:postgresql:// (got '" + url + "')");
        }
        return url;
    }

    private static RedisSettings redis(Env env) {
        String url = env.required("CONDUIT_REDIS_URL", false);
        int poolSize = env.integer("CONDUIT_REDIS_POOL_SIZE", 32, 1, 1000);
        Duration timeout = env.duration("CONDUIT_REDIS_TIMEOUT", Duration.ofMillis(500));
        URI uri = url.isEmpty() ? null : uri(url);
        boolean valid = uri != null
                && uri.getHost() != null
                && ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                && (uri.getPath() == null
                        || uri.getPath().isEmpty()
                        || uri.getPath().equals("/")
                        || uri.getPath().equals("/0"));
        if (!url.isEmpty() && !valid) {
            env.problem(
                    "CONDUIT_REDIS_URL must look like redis://[:password@]host[:port] or rediss://... (database 0)");
        }
        if (!valid) {
            return new RedisSettings("localhost", 6379, false, null, null, poolSize, timeout, timeout, timeout);
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? null : emptyToNull(decode(info.substring(0, colon)));
            password = emptyToNull(decode(colon < 0 ? info : info.substring(colon + 1)));
        }
        return new RedisSettings(
                uri.getHost(),
                uri.getPort() < 0 ? 6379 : uri.getPort(),
                "rediss".equals(uri.getScheme()),
                user,
                password,
                poolSize,
                timeout,
                timeout,
                timeout);
    }

    private static @Nullable URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static @Nullable String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
