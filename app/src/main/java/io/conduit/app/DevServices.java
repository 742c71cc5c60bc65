package io.conduit.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Dev mode's real PostgreSQL and Redis servers, from binaries shipped as Maven artifacts. Their
 * data lives under one folder ({@code .conduit-dev/} in the working directory) and survives
 * restarts: Redis keeps an append-only file, so sessions survive too.
 */
final class DevServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevServices.class);

    private final EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final int redisPort;

    private DevServices(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
    }

    /**
     * Starts both servers under {@code dir}. Ports: {@code CONDUIT_DEV_DB_PORT} (default 54329) and
     * {@code CONDUIT_DEV_REDIS_PORT} (default 63799); 0 picks free ones.
     */
    static DevServices start(Path dir, Map<String, String> environment) {
        var env = new Env(environment);
        int pgPort = env.integer("CONDUIT_DEV_DB_PORT", 54329, 0, 65535);
        int redisPort = env.integer("CONDUIT_DEV_REDIS_PORT", 63799, 0, 65535);
        if (!env.problems().isEmpty()) {
            throw new ConfigException(env.problems());
        }
        try {
            Path pgData = Files.createDirectories(dir.resolve("postgres")).toAbsolutePath();
            Path redisData = Files.createDirectories(dir.resolve("redis")).toAbsolutePath();
            var builder = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false);
            if (pgPort != 0) {
                builder.setPort(pgPort);
            }
            EmbeddedPostgres postgres = builder.start();
            int actualRedisPort = redisPort == 0 ? FreePorts.pick() : redisPort;
            RedisServer redis;
            try {
                redis = RedisServer.newRedisServer()
                        .port(actualRedisPort)
                        .setting("bind 127.0.0.1")
                        .setting("dir " + redisData)
                        .setting("appendonly yes")
                        .setting("appendfsync everysec")
                        .build();
                redis.start();
            } catch (IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
            log.info(
                    "dev services: PostgreSQL on port {}, Redis on port {}, data in {}",
                    postgres.getPort(),
                    actualRedisPort,
                    dir.toAbsolutePath());
            return new DevServices(postgres, redis, actualRedisPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL or Redis", e);
        }
    }

    /** The variables that point the application at these servers; dev defaults for the rest. */
    static final java.util.List<String> DEV_RATE_LIMITS = java.util.List.of(
            "ANONYMOUS",
            "USER",
            "LOGIN_PER_ADDRESS",
            "LOGIN_PER_ACCOUNT",
            "LOGIN_PER_ACCOUNT_AND_ADDRESS",
            "REGISTRATION_PER_ADDRESS");

    Map<String, String> environment(Map<String, String> current) {
        var env = new HashMap<String, String>();
        env.put("CONDUIT_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
        env.put("CONDUIT_DB_USER", "postgres");
        env.put("CONDUIT_DB_PASSWORD", "");
        env.put("CONDUIT_REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.putIfAbsent("CONDUIT_SHUTDOWN_DRAIN", current.getOrDefault("CONDUIT_SHUTDOWN_DRAIN", "0s"));
        env.putIfAbsent("CONDUIT_LOG_FORMAT", current.getOrDefault("CONDUIT_LOG_FORMAT", "text"));
        // A developer's test suite or front end registers and logs in far more often from one
        // address than a person does: dev limits are high enough never to get in the way, yet on, so
        // the limiter runs in dev as in production.
        for (String limit : DEV_RATE_LIMITS) {
            String name = "CONDUIT_RATE_LIMIT_" + limit;
            env.put(name, current.getOrDefault(name, "100000/1m"));
        }
        return env;
    }

    @Override
    public void close() {
        try {
            redis.stop();
        } catch (IOException e) {
            log.warn("stopping the embedded Redis failed", e);
        }
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("stopping the embedded PostgreSQL failed", e);
        }
    }
}
