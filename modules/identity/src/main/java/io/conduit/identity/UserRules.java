package io.conduit.identity;

import io.conduit.platform.Invalid;
import io.conduit.platform.Violations;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The documented input rules for users (README, "Input limits"). Every violated field is reported
 * at once, under the request field's name.
 */
final class UserRules {
    static final int USERNAME_MAX = 64;
    static final int EMAIL_MAX = 254;
    static final int PASSWORD_MIN = 8;
    static final int PASSWORD_MAX = 128;
    static final int BIO_MAX = 4096;
    static final int IMAGE_MAX = 2048;

    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private UserRules() {}

    static void username(Violations v, @Nullable String username) {
        if (isBlank(username)) {
            v.add("username", Invalid.BLANK);
        } else if (username.length() > USERNAME_MAX) {
            v.add("username", "is too long (maximum is " + USERNAME_MAX + " characters)");
        } else if (!USERNAME.matcher(username).matches()) {
            v.add("username", "is invalid (letters, digits, '_', '.' and '-' only)");
        }
    }

    static void email(Violations v, @Nullable String email) {
        if (isBlank(email)) {
            v.add("email", Invalid.BLANK);
        } else if (email.length() > EMAIL_MAX) {
            v.add("email", "is too long (maximum is " + EMAIL_MAX + " characters)");
        } else if (!EMAIL.matcher(email).matches()) {
            v.add("email", "is invalid");
        }
    }

    static void password(Violations v, @Nullable String password) {
        if (password == null || password.isEmpty()) {
            v.add("password", Invalid.BLANK);
        } else if (password.length() < PASSWORD_MIN) {
            v.add("password", "is too short (minimum is " + PASSWORD_MIN + " characters)");
        } else if (password.length() > PASSWORD_MAX) {
            v.add("password", "is too long (maximum is " + PASSWORD_MAX + " characters)");
        }
    }

    static void optionalText(Violations v, String field, @Nullable String value, int max) {
        if (value != null && value.length() > max) {
            v.add(field, "is too long (maximum is " + max + " characters)");
        }
    }

    static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
