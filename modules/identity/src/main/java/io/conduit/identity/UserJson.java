package io.conduit.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conduit.platform.Invalid;
import io.conduit.platform.Violations;
import io.conduit.platform.http.JsonFields;
import org.jspecify.annotations.Nullable;

/** The wire format of {@code /api/users} and {@code /api/user}: {@code {"user": {...}}}. */
final class UserJson {
    private UserJson() {}

    record RegisterRequest(@Nullable Registration user) {}

    record Registration(
            @Nullable String username,
            @Nullable String email,
            @Nullable String password) {}

    record LoginRequest(@Nullable Login user) {}

    record Login(@Nullable String email, @Nullable String password) {}

    record UpdateRequest(@Nullable ObjectNode user) {}

    record UserResponse(UserBody user) {}

    record UserBody(
            String email,
            String token,
            String username,
            @Nullable String bio,
            @Nullable String image) {}

    static UserResponse response(AuthenticatedUser authenticated) {
        UserRow u = authenticated.user();
        return new UserResponse(new UserBody(u.email(), authenticated.token(), u.username(), u.bio(), u.image()));
    }

    static Registration registration(RegisterRequest request) {
        if (request.user() == null) {
            throw new Invalid("user", Invalid.BLANK);
        }
        return request.user();
    }

    static Login login(LoginRequest request) {
        if (request.user() == null) {
            throw new Invalid("user", Invalid.BLANK);
        }
        return request.user();
    }

    /**
     * Reads a partial update. Absent fields are kept; {@code null} or {@code ""} clears bio and
     * image; {@code null} for username, email or password is invalid.
     */
    static UserChanges changes(UpdateRequest request) {
        ObjectNode user = request.user();
        if (user == null) {
            throw new Invalid("user", Invalid.BLANK);
        }
        var v = new Violations();
        String username = JsonFields.requiredText(v, user, "username");
        String email = JsonFields.requiredText(v, user, "email");
        String password = JsonFields.requiredText(v, user, "password");
        String bio = JsonFields.clearableText(v, user, "bio");
        String image = JsonFields.clearableText(v, user, "image");
        v.throwIfAny();
        return new UserChanges(username, email, password, user.has("bio"), bio, user.has("image"), image);
    }
}
