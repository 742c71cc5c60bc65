package io.conduit.profiles;

import org.jspecify.annotations.Nullable;

/** The wire format of {@code /api/profiles}: {@code {"profile": {...}}}. */
final class ProfileJson {
    private ProfileJson() {}

    record ProfileResponse(ProfileBody profile) {}

    record ProfileBody(
            String username, @Nullable String bio, @Nullable String image, boolean following) {}

    static ProfileResponse response(ProfileView view) {
        return new ProfileResponse(new ProfileBody(view.username(), view.bio(), view.image(), view.following()));
    }
}
