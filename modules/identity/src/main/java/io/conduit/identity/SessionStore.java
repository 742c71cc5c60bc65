package io.conduit.identity;

import io.conduit.platform.Unavailable;
import io.conduit.platform.UserId;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.platform.redis.Redis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis, shared by every instance, so a revoked token is refused everywhere at once.
 *
 * <p>{@code identity:session:<sha256(token)>} is a hash {uid, created, seen} whose TTL is the idle
 * timeout (sliding: renewed when the session is used, at most once per touch interval, so a busy
 * client does not write on every request), capped by what is left of the absolute lifetime.
 * {@code identity:user-sessions:<uid>} is a sorted set of the user's session ids by creation time,
 * for logging out everywhere and for revoking other sessions on a password change.
 *
 * <p>A session read is kept in process ({@link KeyedCache}: Redis tells every instance when the
 * key is written, so a logout or revocation takes effect everywhere at once, and at once on the
 * instance that made it); a request then costs no Redis round trip to find its caller.
 *
 * <p>The renewal ("touch") is a write on the way of a read: a request that only needed to know
 * who is calling must not fail because Redis cannot take a write this moment (a failover, when the
 * old primary holds writes and then refuses them while it still answers reads). A failed touch is
 * logged, counted in {@code session_touch_failures_total} and skipped, not resent (that would hold
 * the read up): the session's next request renews it, and an idle timeout of days is not at risk.
 */
final class SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);
    private static final String SESSION = "identity:session:";
    private static final String USER_SESSIONS = "identity:user-sessions:";

    /** Deletes every session of a user but ARGV[2]; ARGV[1] is the session key prefix. */
    private static final String REVOKE_ALL_BUT = """
            local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
            local revoked = 0
            for _, id in ipairs(ids) do
              if id ~= ARGV[2] then
                redis.call('DEL', ARGV[1] .. id)
                redis.call('ZREM', KEYS[1], id)
                revoked = revoked + 1
              end
            end
            return revoked
            """;

    private final Redis redis;
    private final KeyedCache kept;
    private final Clock clock;
    private final SessionLifetime lifetime;
    private final Counter touchFailures;

    SessionStore(Redis redis, Clock clock, Duration idleTimeout, Duration absoluteLifetime, MeterRegistry registry) {
        this.redis = redis;
        this.kept = redis.keyedCache(SESSION);
        this.clock = clock;
        this.touchFailures = Counter.builder("session.touch.failures")
                .description("Session renewals (sliding idle timeout) that Redis did not take; the request went on")
                .register(registry);
        this.lifetime = SessionLifetime.of(idleTimeout, absoluteLifetime);
    }

    /** Opens a session for {@code user} and returns its token, the only copy there is. */
    String create(UserId user) {
        String token = SessionTokens.newToken();
        String id = SessionTokens.idOf(token);
        long now = clock.millis();
        String index = USER_SESSIONS + user.value();
        kept.write(jedis -> {
            var tx = jedis.multi();
            tx.hset(
                    SESSION + id,
                    Map.of(
                            "uid",
                            Long.toString(user.value()),
                            "created",
                            Long.toString(now),
                            "seen",
                            Long.toString(now)));
            tx.pexpire(SESSION + id, lifetime.idleMillis());
            tx.zremrangeByScore(index, Double.NEGATIVE_INFINITY, lifetime.lastExpiredCreation(now));
            tx.zadd(index, now, id);
            tx.pexpire(index, lifetime.absoluteMillis());
            return tx.exec();
        });
        return token;
    }

    /** The user whose session {@code token} opens, if the session is alive; renews its idle timeout. */
    Optional<UserId> find(String token) {
        String id = SessionTokens.idOf(token);
        List<String> fields = kept.get(
                SESSION + id,
                () -> Collections.unmodifiableList(
                        new ArrayList<>(redis.call(jedis -> jedis.hmget(SESSION + id, "uid", "created", "seen")))));
        Long uid = number(fields.get(0));
        Long created = number(fields.get(1));
        Long seen = number(fields.get(2));
        if (uid == null || created == null || seen == null) {
            return Optional.empty();
        }
        var user = new UserId(uid);
        long now = clock.millis();
        if (lifetime.idleExpired(seen, now)) {
            return Optional.empty(); // Redis drops the key at this moment too; a kept copy must not outlive it
        }
        if (lifetime.expired(created, now)) {
            revoke(user, new SessionId(id));
            return Optional.empty();
        }
        lifetime.renewal(created, seen, now).ifPresent(ttl -> touch(id, now, ttl));
        return Optional.of(user);
    }

    /** Renews the idle timeout; once, never in the way of the request (see the class comment). */
    private void touch(String id, long now, long ttlMillis) {
        try {
            redis.runOnce(jedis -> {
                var tx = jedis.multi();
                tx.hset(SESSION + id, "seen", Long.toString(now));
                tx.pexpire(SESSION + id, ttlMillis);
                tx.exec();
            });
        } catch (Unavailable e) {
            touchFailures.increment();
            log.info("session renewal skipped, Redis did not take it; a later request renews it");
        }
    }

    /** Ends one session of the user. */
    void revoke(UserId user, SessionId session) {
        kept.write(jedis -> {
            var tx = jedis.multi();
            tx.del(SESSION + session.value());
            tx.zrem(USER_SESSIONS + user.value(), session.value());
            return tx.exec();
        });
    }

    /** Ends every session of the user, except {@code keep} when given. */
    void revokeAll(UserId user, @Nullable SessionId keep) {
        String spared = keep == null ? "" : keep.value();
        kept.write(
                jedis -> jedis.eval(REVOKE_ALL_BUT, List.of(USER_SESSIONS + user.value()), List.of(SESSION, spared)));
    }

    private static @Nullable Long number(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
