package io.conduit.runtime.redis;

import io.conduit.platform.RootCause;
import io.conduit.platform.Unavailable;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.platform.redis.Redis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.RedisInputStream;

/**
 * Client-side caching with server-assisted invalidation (Redis 6+ {@code CLIENT TRACKING}, broadcast
 * mode, RESP2 redirect): the {@link KeyedCache}s of {@link RedisClient}.
 *
 * <p><b>Connections.</b> One connection subscribes to {@code __redis__:invalidate}; a second one
 * turns tracking on with {@code REDIRECT} to the first and one {@code PREFIX} per registered cache,
 * so Redis names every written key under those prefixes to the subscriber, whoever wrote it. The
 * second also writes a heartbeat key (under a prefix of our own) every {@value #HEARTBEAT_MILLIS} ms.
 *
 * <p><b>Nothing is kept unless the chain is proven.</b> Values are kept and served only while the
 * subscriber has heard the heartbeat within {@value #LAPSE_MILLIS} ms: that proves both connections
 * alive, tracking on, and the heartbeat's node the one whose writes we hear (after a failover the
 * heartbeat's write fails with {@code READONLY} on the old primary, or goes to a node the subscriber
 * does not hear). Any failure — a broken connection, a failed heartbeat, a lapse, a failover seen
 * by the pool, {@code FLUSHALL} — drops everything ({@link #reset}) and caching resumes only after
 * a new heartbeat has come round. Meanwhile every get loads, as without this class.
 *
 * <p><b>No stale value is kept.</b> A get puts a placeholder before it loads and keeps the result
 * only if the placeholder is still there: an invalidation that arrives while it loads (the key was
 * written meanwhile) removes it. A write through {@link KeyedCache#write} returns only after this
 * instance's subscriber has seen a barrier key written after it, hence every invalidation the write
 * caused. On every instance a kept value is served only while the subscriber waits with nothing
 * unread ({@link #unapplied}), so a message that has arrived is applied first. A value is also
 * never kept longer than {@link #MAX_AGE} (a backstop for an instance that
 * died between a commit and its touch).
 */
final class Tracking implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tracking.class);
    private static final String CHANNEL = "__redis__:invalidate";
    private static final String OWN_PREFIX = "conduit:tracking:";
    private static final long HEARTBEAT_MILLIS = 250;
    /** No heartbeat heard for this long: stop serving kept values and start over. */
    private static final long LAPSE_MILLIS = 2_000;

    private static final Duration MAX_AGE = Duration.ofMinutes(1);
    private static final Duration BARRIER_WAIT = Duration.ofSeconds(1);
    private static final int MAX_ENTRIES = 200_000;
    /** A touched key outlives every value kept for it ({@link #MAX_AGE}) by far. */
    private static final long TOUCHED_KEY_LIFE = Duration.ofDays(1).toMillis();

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final Redis redis;
    private final String instance =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    /** This instance's own keys (heartbeat, barriers): tracked by it alone, so others' do not reach it. */
    private final String own = OWN_PREFIX + instance + ":";

    private final Set<String> prefixes = new CopyOnWriteArraySet<>();
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
    private final AtomicLong barrierSequence = new AtomicLong();
    /** Moves on every reset; a value is served only in the epoch it was loaded in. */
    private final AtomicLong epoch = new AtomicLong();
    /** {@link System#nanoTime()} when the subscriber last heard the heartbeat; 0 after a reset. */
    private volatile long heardAt;

    private final Counter hits;
    private final Counter loads;
    private final Counter resets;
    private final java.util.function.BooleanSupplier replica;
    private volatile @Nullable Thread reader;
    private volatile @Nullable Session session;
    private volatile boolean closed;

    /** {@code replica}: while the endpoint is a replica, no session is opened (its heartbeat could not be written). */
    Tracking(
            HostAndPort address,
            JedisClientConfig config,
            Redis redis,
            java.util.function.BooleanSupplier replica,
            MeterRegistry registry) {
        this.address = address;
        this.config = config;
        this.redis = redis;
        this.replica = replica;
        this.hits = Counter.builder("redis.tracking.gets").tag("result", "kept").register(registry);
        this.loads =
                Counter.builder("redis.tracking.gets").tag("result", "loaded").register(registry);
        this.resets = Counter.builder("redis.tracking.resets")
                .description("Times every kept value was dropped: a connection broke, a heartbeat failed or lapsed")
                .register(registry);
        Gauge.builder("redis.tracking.live", () -> live() ? 1 : 0)
                .description("1 while values are kept and served (invalidation proven by the heartbeat)")
                .register(registry);
        Gauge.builder("redis.tracking.entries", values::size).register(registry);
    }

    /** A cache over the keys starting with {@code prefix}; starts tracking on first use. */
    synchronized KeyedCache cache(String prefix) {
        if (prefix.isEmpty() || prefix.startsWith(OWN_PREFIX) || OWN_PREFIX.startsWith(prefix)) {
            throw new IllegalArgumentException("cannot track prefix '" + prefix + "'");
        }
        for (String other : prefixes) {
            if (other.startsWith(prefix) || prefix.startsWith(other)) {
                throw new IllegalArgumentException("prefix '" + prefix + "' overlaps '" + other + "'");
            }
        }
        prefixes.add(prefix);
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("redis-tracking").start(this::run);
        } else {
            reset("prefix " + prefix + " added"); // the next session tracks it too
        }
        return new Cache(prefix);
    }

    /** For diagnostics: whether values are served, how long since the heartbeat came round, the epoch. */
    String describe() {
        long heard = heardAt;
        Session current = session;
        return "live=" + live() + ", heartbeat heard "
                + (heard == 0 ? "not since the last reset" : (System.nanoTime() - heard) / 1_000_000 + " ms ago")
                + ", epoch " + epoch.get() + ", entries " + values.size() + ", unapplied "
                + (current == null ? "no session" : unapplied());
    }

    /** Whether kept values may be served: the heartbeat came round lately. */
    boolean live() {
        long heard = heardAt;
        return heard != 0 && System.nanoTime() - heard < TimeUnit.MILLISECONDS.toNanos(LAPSE_MILLIS);
    }

    /**
     * Drops every kept value and closes the current connections (the reader opens new ones). Called
     * on every failure of ours and by the pool when it retires its connections after a failover.
     */
    void reset(String why) {
        heardAt = 0;
        epoch.incrementAndGet();
        values.clear();
        barriers.values().forEach(barrier -> barrier.completeExceptionally(new IllegalStateException(why)));
        Session current = session;
        if (current != null && current.close()) {
            resets.increment();
            log.info("redis tracking reset: {}; caching resumes once invalidation works again", why);
        }
    }

    private <T> T get(String key, Supplier<T> load) {
        long current = epoch.get();
        if (!live()) {
            return load.get();
        }
        Kept kept = servable(key, current);
        if (kept != null) {
            hits.increment();
            @SuppressWarnings("unchecked")
            T value = (T) kept.value();
            return value;
        }
        loads.increment();
        Pending pending = placeholder(key);
        T value = load.get();
        settle(key, pending, value, current);
        return value;
    }

    /** The value kept for {@code key} if it may be served now, else null. */
    private @Nullable Kept servable(String key, long current) {
        return values.get(key) instanceof Kept kept
                        && kept.epoch() == current
                        && System.nanoTime() - kept.at() < MAX_AGE.toNanos()
                        && !unapplied()
                ? kept
                : null;
    }

    /** Puts a placeholder for {@code key} before its load: an invalidation meanwhile removes it. */
    private Pending placeholder(String key) {
        if (values.size() >= MAX_ENTRIES) {
            values.clear();
        }
        var pending = new Pending();
        values.put(key, pending);
        return pending;
    }

    /** Keeps a loaded value if its placeholder survived and the epoch is still the one it was loaded in. */
    private void settle(String key, Pending pending, @Nullable Object value, long current) {
        if (epoch.get() == current && live()) {
            values.replace(key, pending, new Kept(value, current, System.nanoTime()));
        } else {
            values.remove(key, pending);
        }
    }

    /** As {@link #get} for each key, the missing ones loaded together by one call of {@code load}. */
    private <T> Map<String, T> getAll(List<String> keys, Function<List<String>, Map<String, T>> load) {
        long current = epoch.get();
        if (!live()) {
            return load.apply(keys);
        }
        var found = new HashMap<String, T>();
        var missing = new ArrayList<String>();
        for (String key : keys) {
            Kept kept = servable(key, current);
            if (kept != null) {
                @SuppressWarnings("unchecked")
                T value = (T) kept.value();
                found.put(key, value);
            } else {
                missing.add(key);
            }
        }
        hits.increment(found.size());
        if (missing.isEmpty()) {
            return found;
        }
        loads.increment(missing.size());
        var pending = new HashMap<String, Pending>();
        missing.forEach(key -> pending.put(key, placeholder(key)));
        Map<String, T> loaded = load.apply(missing);
        for (String key : missing) {
            T value = loaded.get(key);
            found.put(key, value);
            if (value != null) {
                settle(key, pending.get(key), value, current);
            } else {
                values.remove(key, pending.get(key)); // left out by the loader: not kept
            }
        }
        return found;
    }

    private <T> T write(Function<Jedis, T> command) {
        T result = redis.call(command);
        if (heardAt != 0) {
            awaitBarrier();
        }
        return result;
    }

    /** Returns once the subscriber has heard of a key written after everything written before. */
    private void awaitBarrier() {
        String key = own + "barrier:" + barrierSequence.incrementAndGet();
        var heard = new CompletableFuture<Void>();
        barriers.put(key, heard);
        try {
            redis.call(jedis -> jedis.set(key, "1", SetParams.setParams().px(10_000)));
            heard.get(BARRIER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Unavailable | ExecutionException | TimeoutException e) {
            reset("a write's barrier was not heard: " + RootCause.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset("interrupted while waiting for a write's barrier");
        } finally {
            barriers.remove(key);
        }
    }

    /** The reader thread: one session after another until closed. */
    private void run() {
        Duration pause = Duration.ofMillis(50);
        while (!closed) {
            if (replica.getAsBoolean()) {
                sleep(LONGEST_PAUSE); // its heartbeat could not be written: nothing is kept meanwhile
                continue;
            }
            Session current = null;
            try {
                current = new Session();
                session = current;
                current.listen();
            } catch (JedisException | IllegalStateException | ClassCastException e) {
                if (!closed && (current == null || current.close())) {
                    log.warn("redis tracking stopped: {}", RootCause.describe(e));
                }
            } finally {
                reset("session ended");
            }
            if (current != null && current.wasLive) {
                pause = Duration.ofMillis(50);
            }
            sleep(pause);
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private void heard(@Nullable Object payload) {
        if (!(payload instanceof List<?> keys)) {
            epoch.incrementAndGet(); // FLUSHALL or FLUSHDB: everything changed
            values.clear();
            return;
        }
        for (Object raw : keys) {
            String key = new String((byte[]) raw, StandardCharsets.UTF_8);
            if (key.startsWith(OWN_PREFIX)) {
                if (key.equals(own + "heartbeat")) {
                    heardAt = Math.max(1, System.nanoTime());
                } else {
                    CompletableFuture<Void> barrier = barriers.get(key);
                    if (barrier != null) {
                        barrier.complete(null);
                    }
                }
            } else {
                values.remove(key);
            }
        }
    }

    /** One pair of connections: the subscriber (read by the reader thread) and the tracking one. */
    private final class Session {
        private final Jedis subscriber;
        private final Jedis tracker;
        private final long started = System.nanoTime();
        private volatile boolean open = true;
        private volatile boolean wasLive;

        private final Watched watched;

        Session() {
            Jedis s = null;
            try {
                this.watched = new Watched(new DefaultJedisSocketFactory(address, config), config);
                s = new Jedis(watched);
                this.tracker = new Jedis(address, config);
            } catch (JedisException e) {
                if (s != null) {
                    s.close();
                }
                throw e;
            }
            this.subscriber = s;
        }

        void listen() {
            long id = subscriber.clientId();
            var connection = subscriber.getConnection();
            connection.setSoTimeout((int) LAPSE_MILLIS);
            connection.sendCommand(Protocol.Command.SUBSCRIBE, CHANNEL);
            connection.getOne(); // ["subscribe", channel, 1]
            var arguments = new ArrayList<>(List.of("TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST"));
            arguments.addAll(List.of("PREFIX", own));
            for (String prefix : prefixes) {
                arguments.addAll(List.of("PREFIX", prefix));
            }
            tracker.sendCommand(Protocol.Command.CLIENT, arguments.toArray(String[]::new));
            Thread.ofPlatform().daemon().name("redis-tracking-heartbeat").start(this::beat);
            while (open && !closed) {
                if (watched.next() instanceof List<?> message
                        && message.size() == 3
                        && "message".equals(text(message.get(0)))) {
                    heard(message.get(2));
                }
            }
        }

        /** Writes the heartbeat key; a failure ends the session (and with it, caching) at once. */
        private void beat() {
            String key = own + "heartbeat";
            long beat = 0;
            while (open && !closed) {
                try {
                    tracker.set(
                            key, Long.toString(beat++), SetParams.setParams().px(10_000));
                } catch (JedisException e) {
                    reset("heartbeat failed: " + RootCause.describe(e));
                    return;
                }
                boolean heard = heardAt != 0;
                wasLive |= heard;
                if (heard ? !live() : System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(LAPSE_MILLIS)) {
                    reset("heartbeat not heard for " + LAPSE_MILLIS + " ms");
                    return;
                }
                sleep(Duration.ofMillis(HEARTBEAT_MILLIS));
            }
        }

        /** Closes both connections, once; true for the call that closed them. */
        synchronized boolean close() {
            if (!open) {
                return false;
            }
            open = false;
            closeQuietly(tracker);
            closeQuietly(subscriber);
            return true;
        }
    }

    /**
     * Whether an invalidation may be on its way to being applied: the reader thread is not waiting
     * for the next message, or bytes have arrived that it has not read. A kept value is then not
     * served (the request loads): a message Redis sent before a write was acknowledged is applied
     * before any later request is answered from memory, even when the reader thread has not been
     * scheduled since the bytes arrived. Over TLS the bytes still encrypted in the socket cannot be
     * seen, so there the guarantee rests on the reader thread being scheduled within the time a
     * client needs to send its next request.
     */
    private boolean unapplied() {
        long now = System.nanoTime();
        long[] checked = CHECKED.get();
        if (checked[1] == epoch.get() && now - checked[0] < CHECK_REUSE_NANOS) {
            return false;
        }
        Session current = session;
        boolean unapplied = current == null || current.watched.unapplied(!config.isSsl());
        if (!unapplied) {
            checked[0] = now;
            checked[1] = epoch.get();
        }
        return unapplied;
    }

    /**
     * When this thread last found nothing unapplied (nanoTime, epoch). A request runs on a thread of
     * its own, so a request's later reads use its first check: it sees every message that had
     * arrived when it first took a kept value (a syscall per request, not per value).
     */
    private static final ThreadLocal<long[]> CHECKED = ThreadLocal.withInitial(() -> new long[] {0, -1});

    private static final long CHECK_REUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The subscriber's connection, telling whether it waits for a message with nothing unread. */
    private static final class Watched extends Connection {
        private volatile boolean waiting;
        private volatile @Nullable RedisInputStream stream;

        Watched(DefaultJedisSocketFactory sockets, JedisClientConfig config) {
            super(sockets, config);
        }

        /** The next message; while this blocks, {@link #unapplied} looks at what has arrived. */
        Object next() {
            Object message = getUnflushedObject();
            waiting = false;
            return message;
        }

        @Override
        protected Object protocolRead(RedisInputStream input) {
            stream = input;
            waiting = true;
            Object message = super.protocolRead(input);
            waiting = false;
            return message;
        }

        boolean unapplied(boolean socketVisible) {
            RedisInputStream input = stream;
            if (!waiting || input == null) {
                return true;
            }
            try {
                return socketVisible && input.available() > 0;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private static @Nullable String text(@Nullable Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    private static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (RuntimeException e) {
            // the socket is gone already
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        reset("closed");
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private final class Cache implements KeyedCache {
        private final String prefix;

        Cache(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public <T> T get(String key, Supplier<T> load) {
            return Tracking.this.get(owned(key), load);
        }

        @Override
        public <T> T write(Function<Jedis, T> command) {
            return Tracking.this.write(command);
        }

        @Override
        public boolean keeps() {
            return live();
        }

        @Override
        public <T> Map<String, T> getAll(List<String> keys, Function<List<String>, Map<String, T>> load) {
            keys.forEach(this::owned);
            return Tracking.this.getAll(keys, load);
        }

        /**
         * A write of a fresh value to each key (any write is heard), expiring: the keys only stand
         * for data elsewhere. One pipeline, one barrier. Never fails its caller (see below).
         */
        @Override
        public void touch(String... keys) {
            for (String key : keys) {
                owned(key);
            }
            String value = Long.toString(ThreadLocalRandom.current().nextLong());
            try {
                Tracking.this.write(jedis -> {
                    var pipeline = jedis.pipelined();
                    for (String key : keys) {
                        pipeline.set(key, value, SetParams.setParams().px(TOUCHED_KEY_LIFE));
                    }
                    pipeline.sync();
                    return keys.length;
                });
            } catch (Unavailable e) {
                // A touch runs after its commit: failing the request now would answer 503 for a
                // write that happened (and invite a duplicate). This instance drops everything; an
                // instance that still hears Redis keeps its copy at most MAX_AGE.
                reset("a touch after a commit failed: " + RootCause.describe(e));
                log.warn("redis did not take the touch of {}; kept values dropped here", String.join(", ", keys));
            }
        }

        private String owned(String key) {
            if (!key.startsWith(prefix)) {
                throw new IllegalArgumentException("key '" + key + "' is not under '" + prefix + "'");
            }
            return key;
        }
    }

    private static final class Pending {}

    private record Kept(@Nullable Object value, long epoch, long at) {}
}
