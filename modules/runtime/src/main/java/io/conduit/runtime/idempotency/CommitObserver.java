package io.conduit.runtime.idempotency;

/**
 * Told about the two moments of a keyed request that decide what a retry sees: just before its
 * transaction commits, and just after. Production runs with {@link #NONE}; the failure tests make
 * an attempt die at either moment (terminating its PostgreSQL backend, or losing its response) to
 * prove that a retry then gets one effect and a definitive answer.
 */
public interface CommitObserver {
    CommitObserver NONE = new CommitObserver() {};

    /** The record is written and the commit is next; {@code backendPid} is the transaction's PostgreSQL backend. */
    default void beforeCommit(Claim claim, int backendPid) {}

    /** The request's writes and its record are committed; its response has not been sent. */
    default void afterCommit(Claim claim) {}
}
