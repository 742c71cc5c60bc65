package io.conduit.runtime.redis;

import java.util.regex.Pattern;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The error replies with which a node says it is not (or not yet) the primary, so the command did
 * not run: {@code READONLY} (a replica, after the primary endpoint moved), {@code LOADING} (still
 * reading its data), {@code MASTERDOWN} (a replica that lost its primary) and {@code EXECABORT} (our
 * transactions queue fixed commands, so what aborts one is a {@code READONLY} while queueing).
 *
 * <p>Redis 7 passes a script's error on with its code ({@code READONLY You can't write ...
 * script: ...}); Redis 6 wraps it ({@code ERR Error running script (call to f_...): @user_script:1:
 * ... -READONLY You can't write ...}), and the script stopped at that first refused write, so it
 * changed nothing either.
 */
final class FailoverErrors {
    private static final Pattern FAILOVER =
            Pattern.compile("^(?:ERR Error running script.*-)?(?:READONLY|LOADING|MASTERDOWN|EXECABORT) ");

    /**
     * {@code NOAUTH} / {@code WRONGPASS}: the connection was opened with a token that is no longer
     * valid (the server restarted with a rotated one). The command did not run; a connection opened
     * after the new token was read succeeds.
     */
    private static final Pattern CREDENTIALS = Pattern.compile("^(?:NOAUTH|WRONGPASS) ");

    private static final Pattern READ_ONLY =
            Pattern.compile("^(?:ERR Error running script.*-)?(?:READONLY|EXECABORT) ");

    private FailoverErrors() {}

    static boolean credentialsRejected(JedisDataException e) {
        String message = e.getMessage();
        return message != null && CREDENTIALS.matcher(message).find();
    }

    /**
     * {@code READONLY}: the node is a replica (directly, or in a script's error); {@code EXECABORT}:
     * a transaction whose queued write a replica refused.
     */
    static boolean readOnly(JedisDataException e) {
        String message = e.getMessage();
        return message != null && READ_ONLY.matcher(message).find();
    }

    static boolean matches(JedisDataException e) {
        String message = e.getMessage();
        return message != null && FAILOVER.matcher(message).find();
    }
}
