package io.conduit.runtime.redis;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisFactory;

/**
 * Makes the pool's connections and hands out none that was opened before the last {@link
 * #retireAll()}: after a failover every connection opened until then leads to the old primary
 * (now a replica that still answers {@code PING}, or a dead socket), not only the idle ones that
 * {@code pool.clear()} reaches. A retired connection is closed when it is next borrowed (the pool
 * then takes another or opens a new one through the primary endpoint) or tested while idle.
 */
final class FollowingJedisFactory extends JedisFactory {
    private final AtomicLong generation = new AtomicLong();

    FollowingJedisFactory(HostAndPort address, JedisClientConfig config) {
        super(address, config);
    }

    /** Every connection open now is to be closed instead of used again. */
    void retireAll() {
        generation.incrementAndGet();
    }

    @Override
    public PooledObject<Jedis> makeObject() throws Exception {
        Jedis jedis = super.makeObject().getObject();
        // Read after connecting: a connection that raced with a retirement counts as new; if it
        // still reached the old node, its first failure retires it with the rest.
        return new Made(jedis, generation.get());
    }

    @Override
    public void activateObject(PooledObject<Jedis> connection) throws Exception {
        if (retired(connection)) {
            throw new RetiredConnection(); // the pool destroys it and borrows another
        }
        super.activateObject(connection);
    }

    @Override
    public boolean validateObject(PooledObject<Jedis> connection) {
        return !retired(connection) && super.validateObject(connection);
    }

    private boolean retired(PooledObject<Jedis> connection) {
        return connection instanceof Made made && made.generation < generation.get();
    }

    /** A pooled connection and the generation it was opened in. */
    private static final class Made extends DefaultPooledObject<Jedis> {
        private final long generation;

        Made(Jedis jedis, long generation) {
            super(jedis);
            this.generation = generation;
        }
    }

    private static final class RetiredConnection extends Exception {
        RetiredConnection() {
            super("opened before the last failover", null, false, false);
        }
    }
}
