package io.conduit.platform.idempotency;

import io.conduit.platform.Conflict;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jspecify.annotations.Nullable;

/**
 * A Jdbi transaction handler that, when the current request holds an idempotency {@link Claim},
 * marks the key {@code committed} as the last statement of the request's first transaction. The
 * mark and the change commit together or not at all, so modules get exactly-once writes for
 * retried requests without knowing about keys. The update only succeeds while this attempt still
 * owns the claim: an attempt that outlived its lease and was taken over by a retry rolls back.
 */
public final class IdempotentCommits extends DelegatingTransactionHandler {
    private static final ThreadLocal<@Nullable Claim> CURRENT = new ThreadLocal<>();
    private static final String MARK = """
            update platform.idempotency_key set state = 'committed'
            where key = :key and owner = :owner and state = 'running'
            """;

    private IdempotentCommits(TransactionHandler delegate) {
        super(delegate);
    }

    /** Wraps {@code jdbi}'s transaction handler; call once, before the first handle is opened. */
    public static void install(Jdbi jdbi) {
        jdbi.setTransactionHandler(new IdempotentCommits(jdbi.getTransactionHandler()));
    }

    /** Binds {@code claim} to the current thread (the request's) until {@link #unbind()}. */
    static void bind(Claim claim) {
        CURRENT.set(claim);
    }

    static void unbind() {
        CURRENT.remove();
    }

    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new IdempotentCommits(getDelegate().specialize(handle));
    }

    @Override
    public void commit(Handle handle) {
        Claim claim = CURRENT.get();
        if (claim == null || claim.committed()) {
            super.commit(handle);
            return;
        }
        int marked = handle.createUpdate(MARK)
                .bind("key", claim.key())
                .bind("owner", claim.owner())
                .execute();
        if (marked != 1) {
            throw new Conflict(Map.of("Idempotency-Key", List.of("was taken over by a retry of this request")));
        }
        super.commit(handle);
        claim.markCommitted();
    }
}
