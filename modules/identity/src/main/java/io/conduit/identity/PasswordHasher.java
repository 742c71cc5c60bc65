package io.conduit.identity;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import io.conduit.platform.Unavailable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Argon2id with m = 7 MiB, t = 5, p = 1 (one of the five settings OWASP's password storage cheat
 * sheet lists as equal in strength, from m = 46 MiB, t = 1 to this one), through the native
 * reference implementation (argon2-jvm). Of the five it holds the least memory (glibc keeps each
 * hashing thread's freed block resident: 2 × 7 instead of 2 × 19 MiB on two cores, measured 17 MB
 * of RSS) and hashes as fast (80–92 against 71–81 hashes/s on two threads, issue 14). A hash stored
 * with other parameters (accounts from before, m = 19 MiB, t = 2) still verifies and is replaced at
 * its next login. At most {@code concurrency} hashes run at once, so a login flood costs at most
 * {@code concurrency × 7 MiB}; a caller that waits longer than the queue timeout gets a 503
 * instead of piling up.
 *
 * <p>The hashing runs on its own platform threads, one per permit, while the request's virtual
 * thread waits unmounted: a native call pins the carrier thread it runs on, and with hashing on the
 * carriers a login burst would stall every other request of the instance until it passed.
 */
final class PasswordHasher {
    static final int MEMORY_KIB = 7 * 1024;
    static final int ITERATIONS = 5;
    static final int PARALLELISM = 1;
    /** How the parameters read in an encoded hash ({@code $argon2id$v=19$m=7168,t=5,p=1$...}). */
    static final String PARAMETERS = "$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$";

    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(2);

    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id);
    private final Semaphore permits;
    private final ExecutorService hashers;
    private final String decoy;

    PasswordHasher(int concurrency) {
        this.permits = new Semaphore(concurrency, true);
        this.hashers = Executors.newFixedThreadPool(
                concurrency, Thread.ofPlatform().daemon().name("argon2-", 1).factory());
        this.decoy = hash("decoy password for unknown users");
    }

    String hash(String password) {
        return bounded(() -> {
            char[] chars = password.toCharArray();
            try {
                return argon2.hash(ITERATIONS, MEMORY_KIB, PARALLELISM, chars, StandardCharsets.UTF_8);
            } finally {
                argon2.wipeArray(chars);
            }
        });
    }

    boolean verify(String hash, String password) {
        return bounded(() -> {
            char[] chars = password.toCharArray();
            try {
                return argon2.verify(hash, chars, StandardCharsets.UTF_8);
            } finally {
                argon2.wipeArray(chars);
            }
        });
    }

    /** Spends the time of a real verification, so unknown emails cannot be told apart by timing. */
    void verifyDecoy(String password) {
        verify(decoy, password);
    }

    boolean needsRehash(String hash) {
        return argon2.needsRehash(hash, ITERATIONS, MEMORY_KIB, PARALLELISM);
    }

    private <T> T bounded(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(QUEUE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("password hashing", Duration.ofSeconds(1));
        }
        if (!acquired) {
            throw new Unavailable("password hashing", Duration.ofSeconds(1));
        }
        try {
            return hashers.submit(work::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("password hashing", Duration.ofSeconds(1));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("password hashing failed", e.getCause());
        } finally {
            permits.release();
        }
    }
}
