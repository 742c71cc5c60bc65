package io.conduit.app;

import ch.qos.logback.classic.LoggerContext;
import io.conduit.platform.redis.RateLimitPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts the chosen mode and waits for SIGTERM or SIGINT, then shuts down gracefully and exits 0.
 * Returns the exit code: 0 after a clean stop, 1 when the configuration is bad or start-up fails,
 * 2 for a wrong command line. {@code train} does not wait: it runs {@link Training} against dev
 * services in a fresh temporary folder on free ports, stops and deletes them (exit 0, or 1 when
 * a response was wrong).
 */
final class Launcher {
    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private Launcher() {}

    static int run(String[] args) {
        if (args.length > 1 || (args.length == 1 && !args[0].equals("dev") && !args[0].equals("train"))) {
            log.error("usage: java -jar conduit.jar [dev|train]");
            return 2;
        }
        boolean dev = args.length == 1 && args[0].equals("dev");
        boolean train = args.length == 1 && args[0].equals("train");
        DevServices devServices = null;
        Path trainingDir = null;
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (train) {
                trainingDir = Files.createTempDirectory("conduit-train");
                env.put("CONDUIT_DEV_DB_PORT", "0");
                env.put("CONDUIT_DEV_REDIS_PORT", "0");
                env.put("CONDUIT_HTTP_PORT", "0");
                env.put("CONDUIT_ADMIN_PORT", "0");
                devServices = DevServices.start(trainingDir, env);
                env.putAll(devServices.environment(env));
            } else if (dev) {
                devServices = DevServices.start(Path.of(".conduit-dev"), env);
                env.putAll(devServices.environment(env));
            }
            AppConfig config = AppConfig.fromEnv(env);
            Application app = Application.start(config, Clock.systemUTC());
            if (train) {
                try {
                    Training.run(app.port(), Training.READ_ROUNDS);
                } finally {
                    app.shutdown();
                }
                return 0;
            }
            if (dev) {
                log.info(
                        "Conduit dev mode is up: API at http://localhost:{}/api, metrics at http://localhost:{}/metrics;"
                                + " rate limits per window: {}",
                        app.port(),
                        app.adminPort(),
                        RateLimitPolicy.describe(Stream.concat(
                                        config.http().rateLimits().policies().stream(),
                                        config.identity().limits().policies().stream())
                                .toList()));
            } else {
                // JVM uptime: from the process start to serving (ready), class loading and JIT included
                long startMillis = ManagementFactory.getRuntimeMXBean().getUptime();
                log.atInfo()
                        .addKeyValue("port", app.port())
                        .addKeyValue("adminPort", app.adminPort())
                        .addKeyValue("startMillis", startMillis)
                        .log("Conduit started in {} ms", startMillis);
            }
            awaitSignal();
            app.shutdown();
            return 0;
        } catch (ConfigException e) {
            log.error("Conduit cannot start: {}", e.getMessage());
            return 1;
        } catch (IOException e) {
            log.error("Conduit cannot create its training folder", e);
            return 1;
        } catch (RuntimeException e) {
            log.error(train ? "Conduit's training run failed" : "Conduit failed to start", e);
            return 1;
        } finally {
            if (devServices != null) {
                devServices.close();
            }
            if (trainingDir != null) {
                deleteQuietly(trainingDir);
            }
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        }
    }

    /** Removes the training run's folder (its databases); what cannot be removed stays in the temp dir. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}", dir, e);
        }
    }

    /** Blocks until SIGTERM (systemd, the ASG) or SIGINT (Ctrl+C). */
    private static void awaitSignal() {
        var stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stop signal received");
    }
}
