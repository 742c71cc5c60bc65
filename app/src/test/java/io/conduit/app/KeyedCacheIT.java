package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.platform.redis.KeyedCache;
import io.conduit.runtime.redis.RedisClient;
import io.conduit.runtime.redis.RedisSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The in-process cache with server-assisted invalidation, against a real Redis and as two
 * instances would use it (two clients): a value is kept until its key is written by anyone, a
 * write is seen at once by the instance that made it and within a second by the other, a key
 * written while its value loads is not kept, and while invalidation cannot be trusted (its
 * connections killed) nothing kept is served.
 */
class KeyedCacheIT {
    private static final Duration SOON = Duration.ofSeconds(1);

    private RedisClient first;
    private RedisClient second;
    private KeyedCache one;
    private KeyedCache other;
    private String key;
    private String probe;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = URI.create(TestServices.environment().get("CONDUIT_REDIS_URL")).getPort();
        first = client();
        second = client();
        String prefix = "test:keyed-cache:" + System.nanoTime() + ":";
        one = first.keyedCache(prefix);
        other = second.keyedCache(prefix);
        key = prefix + "k";
        probe = prefix + "probe";
        awaitTrue(
                () -> kept(one) && kept(other),
                Duration.ofSeconds(10),
                () -> "tracking became live: " + first.trackingState() + " / " + second.trackingState());
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void keepsAValueUntilAnyoneWritesItsKey() throws Exception {
        var loads = new AtomicInteger();
        assertThat(one.get(key, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        assertThat(one.get(key, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");

        try (var jedis = new Jedis("127.0.0.1", port)) {
            jedis.set(key, "changed"); // a client that knows nothing of the cache
        }
        awaitTrue(() -> one.get(key, () -> "v" + loads.incrementAndGet()).equals("v2"), SOON, "dropped");
    }

    @Test
    void aWriteIsSeenAtOnceHereAndWithinASecondOnTheOtherInstance() throws Exception {
        var here = new AtomicInteger();
        var there = new AtomicInteger();
        one.get(key, here::incrementAndGet);
        other.get(key, there::incrementAndGet);
        assertThat(other.get(key, there::incrementAndGet)).isEqualTo(1);

        one.touch(key);

        assertThat(one.get(key, here::incrementAndGet))
                .as("the writer's next read")
                .isEqualTo(2);
        long start = System.nanoTime();
        awaitTrue(() -> other.get(key, there::incrementAndGet) == 2, SOON, "the other instance dropped it");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SOON);
    }

    @Test
    void doesNotKeepAValueWhoseKeyWasWrittenWhileItLoaded() throws Exception {
        var loading = new CountDownLatch(1);
        var written = new CountDownLatch(1);
        var reader = Thread.ofPlatform()
                .start(() -> one.get(key, () -> {
                    loading.countDown();
                    await(written);
                    return "old";
                }));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
        other.touch(key);
        Thread.sleep(200); // the invalidation reaches the first instance while its load still runs
        written.countDown();
        reader.join();

        assertThat(one.get(key, () -> "new")).isEqualTo("new");
    }

    @Test
    void servesNothingKeptWhileItsConnectionsAreGoneAndResumesAfterwards() throws Exception {
        var loads = new AtomicInteger();
        one.get(key, loads::incrementAndGet);
        assertThat(one.get(key, loads::incrementAndGet)).isEqualTo(1);

        try (var jedis = new Jedis("127.0.0.1", port)) {
            jedis.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.PUBSUB));
            Thread.sleep(300); // the subscriber's end of stream reaches the instance
            jedis.set(key, "changed while nobody listened");
        }

        assertThat(one.get(key, loads::incrementAndGet))
                .as("loaded, not the kept 1")
                .isGreaterThan(1);
        awaitTrue(() -> kept(one), Duration.ofSeconds(10), () -> "caching resumed: " + first.trackingState());
    }

    /** Whether a value now stays kept: the second of two gets loads nothing (the first may). */
    private boolean kept(KeyedCache cache) {
        var loads = new AtomicInteger();
        cache.get(probe, loads::incrementAndGet);
        int first = loads.get();
        cache.get(probe, loads::incrementAndGet);
        return loads.get() == first;
    }

    private RedisClient client() {
        var timeout = Duration.ofSeconds(1);
        return new RedisClient(
                new RedisSettings("127.0.0.1", port, false, null, null, 4, timeout, timeout, timeout),
                new SimpleMeterRegistry());
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        awaitTrue(condition, within, () -> what);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
