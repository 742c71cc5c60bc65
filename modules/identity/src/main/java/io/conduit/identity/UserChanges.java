package io.conduit.identity;

import org.jspecify.annotations.Nullable;

/**
 * A partial update of the current user: a null field is left as it is. {@code bio} and
 * {@code image} can also be cleared, so each carries whether it was sent at all.
 */
record UserChanges(
        @Nullable String username,
        @Nullable String email,
        @Nullable String password,
        boolean bioSent,
        @Nullable String bio,
        boolean imageSent,
        @Nullable String image) {

    @Override
    public String toString() {
        return "UserChanges[username=" + username + ", password=" + (password == null ? "unchanged" : "<redacted>")
                + "]";
    }
}
