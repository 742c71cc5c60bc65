package io.conduit.app;

import ch.qos.logback.classic.LoggerContext;
import io.conduit.platform.redis.RateLimitPolicy;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
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
 * 2 for a wrong command line.
 */
final class Launcher {
    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private Launcher() {}

    static int run(String[] args) {
        if (args.length > 1 || (args.length == 1 && !args[0].equals("dev"))) {
            log.error("usage: java -jar conduit.jar [dev]");
            return 2;
        }
        boolean dev = args.length == 1;
        DevServices devServices = null;
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (dev) {
                devServices = DevServices.start(Path.of(".conduit-dev"), env);
                env.putAll(devServices.environment(env));
            }
            AppConfig config = AppConfig.fromEnv(env);
            Application app = Application.start(config, Clock.systemUTC());
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
        } catch (RuntimeException e) {
            log.error("Conduit failed to start", e);
            return 1;
        } finally {
            if (devServices != null) {
                devServices.close();
            }
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
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
