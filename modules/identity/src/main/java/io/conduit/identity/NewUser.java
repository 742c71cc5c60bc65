package io.conduit.identity;

/** Registration input, already validated by {@link UserRules}. */
record NewUser(String username, String email, String password) {
    @Override
    public String toString() {
        return "NewUser[username=" + username + "]";
    }
}
