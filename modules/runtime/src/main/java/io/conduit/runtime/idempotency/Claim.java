package io.conduit.runtime.idempotency;

import org.jdbi.v3.core.Handle;

/**
 * The hold one request attempt has on a key: an open transaction whose advisory lock on the key
 * keeps every other attempt out for as long as this one is alive. Everything the request writes
 * joins that transaction ({@link RequestTransaction}); {@link IdempotencyStore#finish} commits it
 * with the key's record, or rolls it back.
 */
public final class Claim {
    private final String key;
    private final String fingerprint;
    private final Handle handle;
    private boolean finished;

    Claim(String key, String fingerprint, Handle handle) {
        this.key = key;
        this.fingerprint = fingerprint;
        this.handle = handle;
    }

    /** The scoped key: the caller's scope and the SHA-256 of the client's key. */
    public String key() {
        return key;
    }

    String fingerprint() {
        return fingerprint;
    }

    Handle handle() {
        return handle;
    }

    boolean finished() {
        return finished;
    }

    void finish() {
        finished = true;
    }
}
