package io.conduit.app;

/**
 * {@code java -jar conduit.jar} runs production mode from {@code CONDUIT_*} variables;
 * {@code java -jar conduit.jar dev} runs dev mode with an embedded PostgreSQL and Redis;
 * {@code java -XX:AOTCacheOutput=conduit.aot -jar conduit.jar train} is the image build's training
 * run for the JVM's AOT cache (see {@link Training}).
 *
 * <p>This class only picks the log format, before anything creates a logger, then hands over to
 * {@link Launcher}: dev mode logs readable text, production JSON (so does the training run: it
 * trains the production log path).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // RDS and ElastiCache fail over by repointing DNS: never cache a lookup for long.
        java.security.Security.setProperty("networkaddress.cache.ttl", "10");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "1");
        boolean dev = args.length > 0 && args[0].equals("dev");
        if (System.getenv("CONDUIT_LOG_FORMAT") == null && System.getProperty("CONDUIT_LOG_FORMAT") == null) {
            System.setProperty("CONDUIT_LOG_FORMAT", dev ? "text" : "json");
        }
        System.exit(Launcher.run(args));
    }
}
