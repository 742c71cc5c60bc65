package io.conduit.platform.idempotency;

import java.util.UUID;

/**
 * The hold one request attempt has on a key. {@link #committed()} turns true once a transaction of
 * the request has committed with the key marked: from then on the request has acted, and the key
 * is never given to a retry to run again.
 */
public final class Claim {
    private final String key;
    private final UUID owner;
    private volatile boolean committed;

    Claim(String key, UUID owner) {
        this.key = key;
        this.owner = owner;
    }

    String key() {
        return key;
    }

    UUID owner() {
        return owner;
    }

    public boolean committed() {
        return committed;
    }

    void markCommitted() {
        committed = true;
    }
}
