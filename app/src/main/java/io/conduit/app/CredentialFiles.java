package io.conduit.app;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Files that hold the current database password and Redis AUTH token, kept up to date by the
 * instance's refresh timer ({@code conduit-config}); the app re-reads them while running so a
 * rotated secret reaches new connections without a restart. Null where not configured.
 *
 * @param database {@code CONDUIT_DB_PASSWORD_FILE}
 * @param redis {@code CONDUIT_REDIS_PASSWORD_FILE}
 */
record CredentialFiles(@Nullable Path database, @Nullable Path redis) {
    static final CredentialFiles NONE = new CredentialFiles(null, null);
}
