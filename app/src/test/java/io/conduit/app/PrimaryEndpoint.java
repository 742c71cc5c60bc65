package io.conduit.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;

/**
 * A TCP endpoint in front of Redis nodes that routes each new connection to the node answering
 * {@code role:master}, as the ElastiCache primary endpoint does and as the local cluster's HAProxy
 * does (docs/cluster.md): every node is checked every 100 ms, two checks in a row make it a primary
 * or not. Connections already open stay with their node when it is demoted; when a node dies, its
 * connections are closed. With no primary, a new connection is accepted and closed at once.
 */
final class PrimaryEndpoint implements AutoCloseable {
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
    private static final int RISE_AND_FALL = 2;

    private final List<Integer> nodes;
    private final ServerSocket server;
    private final ConcurrentHashMap<Integer, Integer> streaks = new ConcurrentHashMap<>();
    private final AtomicInteger target = new AtomicInteger(-1);
    private final AtomicLong targetSince = new AtomicLong();
    private volatile boolean closed;

    private PrimaryEndpoint(List<Integer> nodes, ServerSocket server) {
        this.nodes = List.copyOf(nodes);
        this.server = server;
    }

    /** Starts the endpoint on a free port, in front of the Redis nodes on these local ports. */
    static PrimaryEndpoint start(List<Integer> nodes) throws IOException {
        var server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        var endpoint = new PrimaryEndpoint(nodes, server);
        Thread.ofVirtual().name("endpoint-check").start(endpoint::checkLoop);
        Thread.ofVirtual().name("endpoint-accept").start(endpoint::acceptLoop);
        return endpoint;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits until new connections go to {@code node}; the {@link System#nanoTime()} since when they do. */
    long awaitRoutingTo(int node, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (target.get() != node) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the endpoint does not route to " + node + " after " + limit);
            }
            Thread.sleep(10);
        }
        return targetSince.get();
    }

    private void checkLoop() {
        while (!closed) {
            for (int node : nodes) {
                // a streak > 0 counts checks answered as primary in a row, < 0 the others
                int streak = streaks.merge(
                        node,
                        isPrimary(node) ? 1 : -1,
                        (old, now) -> now > 0 ? Math.max(old, 0) + 1 : Math.min(old, 0) - 1);
                if (streak <= -RISE_AND_FALL) {
                    target.compareAndSet(node, -1);
                } else if (streak >= RISE_AND_FALL && target.get() != node) {
                    targetSince.set(System.nanoTime());
                    target.set(node);
                }
            }
            sleep(CHECK_INTERVAL);
        }
    }

    private static boolean isPrimary(int node) {
        try (var jedis = new Jedis("127.0.0.1", node, 200)) {
            return jedis.info("replication").contains("role:master");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                int node = target.get();
                if (node < 0) {
                    client.close();
                    continue;
                }
                Thread.ofVirtual().start(() -> connect(client, node));
            } catch (IOException e) {
                // closed, or one failed accept: the loop condition decides
            }
        }
    }

    private static void connect(Socket client, int node) {
        try {
            var upstream = new Socket();
            upstream.connect(new InetSocketAddress("127.0.0.1", node), 500);
            Thread.ofVirtual().start(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** Copies {@code from} to {@code to} until either side ends, then closes both. */
    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or reset: end both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
