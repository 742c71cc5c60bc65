package io.conduit.platform.idempotency;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleCallbackDecorator;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The one transaction that a request with an {@code Idempotency-Key} runs in, from its claim to its
 * response. While it is bound to the request's thread, every {@code jdbi.withHandle}, {@code
 * useHandle}, {@code inTransaction} and {@code useTransaction} of any module joins it (Jdbi's
 * handle scope), so whatever a module writes, with or without a transaction of its own, commits
 * together with the key's record or not at all. Modules cannot forget to take part: they never see
 * this class.
 *
 * <p>Each such call runs inside a savepoint, so a module that catches a failed statement (a unique
 * violation it retries, say) finds the transaction usable, as it would with a transaction of its
 * own.
 */
public final class RequestTransaction {
    private static final ThreadLocal<@Nullable Bound> CURRENT = new ThreadLocal<>();

    private RequestTransaction() {}

    /**
     * Runs {@code action} once the writes of the current request are committed: at the commit of its
     * request transaction if one is bound to this thread (a rollback drops it), otherwise now, since
     * without one every module transaction has committed when it returns.
     */
    public static void afterCommit(Runnable action) {
        Bound bound = CURRENT.get();
        if (bound == null) {
            action.run();
        } else {
            bound.handle().afterCommit(action);
        }
    }

    static void bind(Jdbi jdbi, Handle handle) {
        CURRENT.set(new Bound(handle, new int[1]));
        jdbi.getHandleScope().set(handle);
    }

    static void unbind(Jdbi jdbi) {
        CURRENT.remove();
        jdbi.getHandleScope().clear();
    }

    /** Wraps every handle callback of {@code jdbi} that joins a bound request transaction in a savepoint. */
    static void install(Jdbi jdbi) {
        HandleCallbackDecorator previous = jdbi.getHandleCallbackDecorator();
        jdbi.setHandleCallbackDecorator(new HandleCallbackDecorator() {
            @Override
            public <R, X extends Exception> HandleCallback<R, X> decorate(HandleCallback<R, X> callback) {
                HandleCallback<R, X> inner = previous.decorate(callback);
                return handle -> {
                    Bound bound = CURRENT.get();
                    return bound != null && bound.handle() == handle
                            ? inSavepoint(bound, inner)
                            : inner.withHandle(handle);
                };
            }
        });
    }

    private static <R, X extends Exception> R inSavepoint(Bound bound, HandleCallback<R, X> callback) throws X {
        Handle handle = bound.handle();
        String name = "conduit_call_" + bound.calls()[0]++;
        handle.savepoint(name);
        try {
            R result = callback.withHandle(handle);
            handle.releaseSavepoint(name);
            return result;
        } catch (Throwable failure) {
            try {
                handle.rollbackToSavepoint(name);
            } catch (RuntimeException rollback) {
                failure.addSuppressed(rollback);
            }
            throw failure;
        }
    }

    private record Bound(Handle handle, int[] calls) {}
}
