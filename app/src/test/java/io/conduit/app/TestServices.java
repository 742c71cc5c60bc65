package io.conduit.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * One real PostgreSQL and one real Redis (embedded binaries) per test JVM, on free ports in a
 * temporary folder, stopped when the JVM exits. Tests keep apart by creating their own data.
 */
public final class TestServices {
    private static DevServices services;
    private static Map<String, String> environment;

    private TestServices() {}

    /** The {@code CONDUIT_*} variables of an app pointed at these servers, on free ports. */
    public static synchronized Map<String, String> environment() {
        if (services == null) {
            try {
                var dir = Files.createTempDirectory("conduit-test");
                services = DevServices.start(dir, Map.of("CONDUIT_DEV_DB_PORT", "0", "CONDUIT_DEV_REDIS_PORT", "0"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(services::close));
            var env = new HashMap<>(services.environment(Map.of()));
            env.put("CONDUIT_HTTP_PORT", "0");
            env.put("CONDUIT_ADMIN_PORT", "0");
            env.put("CONDUIT_SHUTDOWN_DRAIN", "0s");
            env.put("CONDUIT_SHUTDOWN_TIMEOUT", "5s");
            env.put("CONDUIT_DB_POOL_SIZE", "4");
            env.put("CONDUIT_REDIS_POOL_SIZE", "8");
            // Tests register many users from one address; RateLimitIT turns the limits on.
            for (String limit : java.util.List.of(
                    "ANONYMOUS",
                    "USER",
                    "LOGIN_PER_ADDRESS",
                    "LOGIN_PER_ACCOUNT",
                    "LOGIN_PER_ACCOUNT_AND_ADDRESS",
                    "REGISTRATION_PER_ADDRESS")) {
                env.put("CONDUIT_RATE_LIMIT_" + limit, "off");
            }
            environment = Map.copyOf(env);
        }
        return environment;
    }
}
