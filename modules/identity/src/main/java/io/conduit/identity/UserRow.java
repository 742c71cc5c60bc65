package io.conduit.identity;

import io.conduit.platform.UserId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One row of {@code identity.user_account}. */
record UserRow(
        UserId id,
        String username,
        String email,
        String passwordHash,
        @Nullable String bio,
        @Nullable String image,
        Instant createdAt,
        Instant updatedAt) {

    UserView view() {
        return new UserView(id, username, bio, image);
    }

    @Override
    public String toString() {
        return "UserRow[id=" + id.value() + ", username=" + username + "]";
    }
}
