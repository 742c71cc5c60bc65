package io.conduit.platform;

/** For log lines about a failing dependency: the innermost cause is the one that says what broke. */
public final class RootCause {
    private RootCause() {}

    /** {@code SimpleName: message} of the innermost cause of {@code e}. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
