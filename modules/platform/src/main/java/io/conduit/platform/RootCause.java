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

    /**
     * The result of {@code future}, waiting for it; its failure is thrown as it was thrown where the
     * work ran (not wrapped in a {@link java.util.concurrent.CompletionException}), as if the work
     * had run on this thread.
     */
    public static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
