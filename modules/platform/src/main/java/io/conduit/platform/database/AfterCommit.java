package io.conduit.platform.database;

import org.jdbi.v3.core.Handle;

/**
 * Runs an action once what a handle wrote is committed: at once on an auto-committing handle (the
 * statement has committed), else after its transaction's commit, and never if it rolls back. For a
 * request with an {@code Idempotency-Key} that is the request's one transaction, whose commit comes
 * when its response is ready. Whatever tells others of a change (events to the composition root, a
 * touch of a kept value's key) goes through here: told before the commit, another instance could
 * read the old data and take it for the new.
 */
public final class AfterCommit {
    private AfterCommit() {}

    public static void run(Handle handle, Runnable action) {
        if (handle.isInTransaction()) {
            handle.afterCommit(action::run);
        } else {
            action.run();
        }
    }
}
