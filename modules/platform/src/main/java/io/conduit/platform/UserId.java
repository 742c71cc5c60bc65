package io.conduit.platform;

/** The id of a user, shared by every module: the one identity fact other modules may hold. */
public record UserId(long value) {
    public UserId {
        if (value <= 0) {
            throw new IllegalArgumentException("a user id is positive: " + value);
        }
    }
}
