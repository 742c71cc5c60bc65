package io.conduit.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the credential files ({@link CredentialFiles}) while the app runs: once a second it reads
 * each file and, when the secret in it changed, hands the new one to the pool that uses it (new
 * connections authenticate with it; open ones stay, as PostgreSQL and Redis keep a session that
 * authenticated before the change). Logs each change, never the secret.
 *
 * <p>Why a steady one-second look and not a re-read on {@code 28P01} / {@code WRONGPASS}: the file is
 * where a rotation arrives, and it arrives after the server already refuses the old secret. Reading
 * on a refusal finds the old secret until the refresh timer has run, and Hikari opens connections on
 * its own thread, where the refusal reaches the app only as a request that timed out. Reading a few
 * bytes once a second costs nothing and picks the new secret up within a second of its arrival.
 */
final class RotatedCredentials implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RotatedCredentials.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final List<Followed> followed;
    private final @Nullable ScheduledExecutorService timer;

    private RotatedCredentials(List<Followed> followed) {
        this.followed = followed;
        if (followed.isEmpty()) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("credential-files").factory());
        timer.scheduleWithFixedDelay(this::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts following the configured files; {@code database} and {@code redis} apply a new secret. */
    static RotatedCredentials follow(CredentialFiles files, Consumer<String> database, Consumer<String> redis) {
        var followed = new ArrayList<Followed>();
        if (files.database() != null) {
            followed.add(new Followed("database password", files.database(), database));
        }
        if (files.redis() != null) {
            followed.add(new Followed("redis AUTH token", files.redis(), redis));
        }
        return new RotatedCredentials(List.copyOf(followed));
    }

    /** The secret in {@code file}: its text without surrounding whitespace (a trailing newline). */
    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /** One look at every file; public to the package for tests that do not want to wait. */
    void check() {
        for (Followed one : followed) {
            one.check();
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One file, the secret last applied from it, and where a new one goes. */
    private static final class Followed {
        private final String what;
        private final Path file;
        private final Consumer<String> apply;
        private @Nullable String current;
        private @Nullable String lastProblem;

        Followed(String what, Path file, Consumer<String> apply) {
            this.what = what;
            this.file = file;
            this.apply = apply;
            try {
                this.current = read(file);
            } catch (IOException e) {
                this.current = null; // AppConfig read it a moment ago; the next look reports it
            }
        }

        void check() {
            String secret;
            try {
                secret = read(file);
            } catch (IOException | RuntimeException e) {
                String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!problem.equals(lastProblem)) {
                    log.warn(
                            "cannot read the {} from {} ({}); new connections keep the previous one",
                            what,
                            file,
                            problem);
                    lastProblem = problem;
                }
                return;
            }
            lastProblem = null;
            if (secret.isEmpty() || Objects.equals(secret, current)) {
                return;
            }
            apply.accept(secret);
            current = secret;
            log.atInfo()
                    .addKeyValue("file", file.toString())
                    .log("the {} in {} changed: new connections use the new one", what, file);
        }
    }
}
