package io.conduit.app;

import java.time.Duration;

/**
 * PostgreSQL connection settings.
 *
 * @param url JDBC URL ({@code jdbc:postgresql://host:5432/db})
 * @param user database user
 * @param password database password
 * @param poolSize fixed number of pooled connections
 * @param connectionTimeout how long a request waits for a pooled connection before a 503
 * @param statementTimeout how long one SQL statement may run
 */
record DatabaseSettings(
        String url, String user, String password, int poolSize, Duration connectionTimeout, Duration statementTimeout) {

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=<redacted>, poolSize=" + poolSize + "]";
    }
}
