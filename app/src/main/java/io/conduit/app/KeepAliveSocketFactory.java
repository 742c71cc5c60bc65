package io.conduit.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * The sockets of the PostgreSQL driver (its {@code socketFactory}), with TCP keepalive probes after
 * {@value #IDLE_SECONDS} s of silence, every {@value #INTERVAL_SECONDS} s, {@value #PROBES} unanswered
 * ones ending the connection. A connection whose server vanished without closing it (a host gone in
 * a failover, a network partition) fails on its next use within about four seconds of silence,
 * instead of hanging in a read until the socket timeout or after the system's two hours. Public
 * with a no-argument constructor: the driver creates it by class name.
 */
public final class KeepAliveSocketFactory extends SocketFactory {
    static final int IDLE_SECONDS = 2;
    static final int INTERVAL_SECONDS = 1;
    static final int PROBES = 2;

    @Override
    public Socket createSocket() throws IOException {
        var socket = new Socket();
        socket.setKeepAlive(true);
        var options = socket.supportedOptions();
        if (options.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
        }
        if (options.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
        }
        if (options.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
        }
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, @org.jspecify.annotations.Nullable InetSocketAddress local)
            throws IOException {
        Socket socket = createSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }
}
