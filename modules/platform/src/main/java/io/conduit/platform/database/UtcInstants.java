package io.conduit.platform.database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ObjectArgument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.spi.JdbiPlugin;
import org.jspecify.annotations.Nullable;

/**
 * Instants in PostgreSQL: every bound {@link Instant} goes in as a {@code timestamptz} in UTC (not
 * Jdbi's default, a {@code java.sql.Timestamp} read in the JVM's time zone), and a {@code
 * timestamptz} column comes back as the same {@link Instant}. Install it where a {@code Jdbi} is
 * created: {@code Jdbi.create(dataSource).installPlugin(new UtcInstants())}. Row mappers written as
 * lambdas read their columns with {@link #column} and {@link #nullableColumn}.
 */
public final class UtcInstants implements JdbiPlugin {
    @Override
    public void customizeJdbi(Jdbi jdbi) {
        jdbi.registerArgument(new InstantArguments());
        jdbi.registerColumnMapper(
                Instant.class, (rs, column, ctx) -> instant(rs.getObject(column, OffsetDateTime.class)));
    }

    /** The {@code timestamptz} column {@code name} of the current row, which must not be SQL null. */
    public static Instant column(ResultSet rs, String name) throws SQLException {
        return Objects.requireNonNull(nullableColumn(rs, name), () -> name + " is null");
    }

    /** The {@code timestamptz} column {@code name} of the current row, or null for SQL null. */
    public static @Nullable Instant nullableColumn(ResultSet rs, String name) throws SQLException {
        return instant(rs.getObject(name, OffsetDateTime.class));
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private static final class InstantArguments extends AbstractArgumentFactory<Instant> {
        InstantArguments() {
            super(Types.TIMESTAMP_WITH_TIMEZONE);
        }

        @Override
        protected Argument build(Instant value, ConfigRegistry config) {
            return ObjectArgument.of(value.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }
}
