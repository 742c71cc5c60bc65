package io.conduit.profiles;

import io.conduit.platform.UserId;
import org.jspecify.annotations.Nullable;

/** A public profile; {@code following} is whether the viewer follows this user. */
public record ProfileView(
        UserId id,
        String username,
        @Nullable String bio,
        @Nullable String image,
        boolean following) {}
