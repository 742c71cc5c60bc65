package io.conduit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Starting an embedded server for the rest of the test JVM: it is stopped when the JVM exits. */
final class EmbeddedServers {
    private EmbeddedServers() {}

    interface Start<S> {
        S start() throws IOException;
    }

    interface Stop<S> {
        void stop(S server) throws IOException;
    }

    static <S> S startForTheJvm(String name, Start<S> start, Stop<S> stop) {
        S server;
        try {
            server = start.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded " + name, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.stop(server);
            } catch (IOException e) {
                // the JVM is exiting: a temporary folder is all that may be left behind
            }
        }));
        return server;
    }

    /** A loopback port free now, for a server that cannot pick its own. */
    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
