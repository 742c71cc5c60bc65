package io.conduit.app.api;

import io.conduit.app.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A plain JDBC connection to the test database, for looking behind the API. */
final class Database {
    private Database() {}

    static Connection connect() throws SQLException {
        var env = TestServices.environment();
        return DriverManager.getConnection(
                env.get("CONDUIT_DB_URL"), env.get("CONDUIT_DB_USER"), env.get("CONDUIT_DB_PASSWORD"));
    }

    static long count(String sql, Object... params) throws SQLException {
        try (var connection = connect();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
