package io.conduit.identity;

import io.conduit.platform.UserId;
import org.jspecify.annotations.Nullable;

/** The public face of a user: what profiles show. Never the email or the password hash. */
public record UserView(
        UserId id,
        String username,
        @Nullable String bio,
        @Nullable String image) {}
