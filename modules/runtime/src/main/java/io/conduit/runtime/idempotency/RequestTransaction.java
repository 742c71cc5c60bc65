package io.conduit.runtime.idempotency;

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
 * this class. What they ask to run after their commit (Jdbi's {@code Handle.afterCommit}, which
 * {@code Events.afterCommit} listeners use) runs once this transaction commits, and not at all
 * when it rolls back.
 *
 * <p>Each such call runs inside a savepoint, so a module that catches a failed statement (a unique
 * violation it retries, say) finds the transaction usable, as it would with a transaction of its
 * own.
 */
final class RequestTransaction {
    private static final ThreadLocal<@Nullable Bound> CURRENT = new ThreadLocal<>();

    private RequestTransaction() {}

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
