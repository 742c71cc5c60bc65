package io.conduit.identity;

import io.conduit.platform.Conflict;
import io.conduit.platform.UserId;
import io.conduit.platform.database.UtcInstants;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jspecify.annotations.Nullable;

/** SQL for {@code identity.user_account}. Stateless; every method takes the caller's handle. */
final class UserRepository {
    private static final String COLUMNS = "id, username, email, password_hash, bio, image, created_at, updated_at";

    private static final String BY_ID = "select " + COLUMNS + " from identity.user_account where id = :id";
    private static final String BY_IDS = "select " + COLUMNS + " from identity.user_account where id = any(:ids)";
    private static final String BY_EMAIL =
            "select " + COLUMNS + " from identity.user_account where lower(email) = lower(:email)";
    private static final String BY_USERNAME =
            "select " + COLUMNS + " from identity.user_account where username = :username";

    private static final String TAKEN = """
            select lower(username) = lower(:username) as username_taken, lower(email) = lower(:email) as email_taken
            from identity.user_account
            where (lower(username) = lower(:username) or lower(email) = lower(:email)) and id <> :self
            """;

    private static final String INSERT = """
            insert into identity.user_account (username, email, password_hash, created_at, updated_at)
            values (:username, :email, :passwordHash, :now, :now)
            returning\s""" + COLUMNS;

    private static final String UPDATE = """
            update identity.user_account
            set username = :username, email = :email, password_hash = :passwordHash, bio = :bio, image = :image,
                updated_at = :updatedAt
            where id = :id
            returning\s""" + COLUMNS;

    Optional<UserRow> findById(Handle h, UserId id) {
        return h.createQuery(BY_ID)
                .bind("id", id.value())
                .map(UserRepository::row)
                .findOne();
    }

    List<UserRow> findByIds(Handle h, Set<UserId> ids) {
        List<Long> values = ids.stream().map(UserId::value).toList();
        return h.createQuery(BY_IDS)
                .bindArray("ids", Long.class, values)
                .map(UserRepository::row)
                .list();
    }

    Optional<UserRow> findByEmail(Handle h, String email) {
        return h.createQuery(BY_EMAIL)
                .bind("email", email)
                .map(UserRepository::row)
                .findOne();
    }

    Optional<UserRow> findByUsername(Handle h, String username) {
        return h.createQuery(BY_USERNAME)
                .bind("username", username)
                .map(UserRepository::row)
                .findOne();
    }

    /** Throws {@link Conflict} naming each of username and email that another user holds. */
    void ensureFree(Handle h, String username, String email, @Nullable UserId self) {
        var taken = new LinkedHashMap<String, List<String>>();
        h.createQuery(TAKEN)
                .bind("username", username)
                .bind("email", email)
                .bind("self", self == null ? 0L : self.value())
                .map((rs, ctx) -> {
                    if (rs.getBoolean("username_taken")) {
                        taken.put("username", List.of(Conflict.TAKEN));
                    }
                    if (rs.getBoolean("email_taken")) {
                        taken.put("email", List.of(Conflict.TAKEN));
                    }
                    return true;
                })
                .list();
        if (!taken.isEmpty()) {
            throw new Conflict(taken);
        }
    }

    UserRow insert(Handle h, NewUser user, String passwordHash, Instant now) {
        return uniquely(() -> h.createQuery(INSERT)
                .bind("username", user.username())
                .bind("email", user.email())
                .bind("passwordHash", passwordHash)
                .bind("now", now)
                .map(UserRepository::row)
                .one());
    }

    UserRow update(Handle h, UserRow user) {
        return uniquely(() -> h.createQuery(UPDATE)
                .bind("id", user.id().value())
                .bind("username", user.username())
                .bind("email", user.email())
                .bind("passwordHash", user.passwordHash())
                .bind("bio", user.bio())
                .bind("image", user.image())
                .bind("updatedAt", user.updatedAt())
                .map(UserRepository::row)
                .one());
    }

    /** The unique indexes are the last word when two requests race past {@link #ensureFree}. */
    private static UserRow uniquely(java.util.function.Supplier<UserRow> statement) {
        try {
            return statement.get();
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                String field = String.valueOf(sql.getMessage()).contains("email") ? "email" : "username";
                throw new Conflict(Map.of(field, List.of(Conflict.TAKEN)));
            }
            throw e;
        }
    }

    private static UserRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new UserRow(
                new UserId(rs.getLong("id")),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("password_hash"),
                rs.getString("bio"),
                rs.getString("image"),
                UtcInstants.column(rs, "created_at"),
                UtcInstants.column(rs, "updated_at"));
    }
}
