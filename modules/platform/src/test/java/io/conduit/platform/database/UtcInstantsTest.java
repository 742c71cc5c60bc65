package io.conduit.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Arguments;
import org.jdbi.v3.core.mapper.ColumnMappers;
import org.junit.jupiter.api.Test;

/** The mapping through Jdbi's own lookup, against a recording statement and a one-row result: no database. */
class UtcInstantsTest {
    private static final Instant INSTANT = Instant.parse("2026-03-01T12:34:56.789Z");

    private final Jdbi jdbi = Jdbi.create(() -> {
                throw new SQLException("no database in a unit test");
            })
            .installPlugin(new UtcInstants());

    @Test
    void bindsAnInstantAsATimestamptzInUtc() throws SQLException {
        var calls = new ArrayList<List<Object>>();

        jdbi.getConfig(Arguments.class)
                .findFor(Instant.class, INSTANT)
                .orElseThrow()
                .apply(3, recording(calls), null);

        assertThat(calls)
                .containsExactly(List.of(
                        "setObject",
                        3,
                        OffsetDateTime.of(2026, 3, 1, 12, 34, 56, 789_000_000, ZoneOffset.UTC),
                        Types.TIMESTAMP_WITH_TIMEZONE));
    }

    @Test
    void bindsANullInstantAsATypedNull() throws SQLException {
        var calls = new ArrayList<List<Object>>();

        jdbi.getConfig(Arguments.class)
                .findFor(Instant.class, null)
                .orElseThrow()
                .apply(1, recording(calls), null);

        assertThat(calls).containsExactly(List.of("setNull", 1, Types.TIMESTAMP_WITH_TIMEZONE));
    }

    @Test
    void mapsATimestamptzColumnToTheSameInstantWhateverItsOffset() throws SQLException {
        var value = OffsetDateTime.of(2026, 3, 1, 14, 34, 56, 789_000_000, ZoneOffset.ofHours(2));

        Instant mapped = jdbi.getConfig(ColumnMappers.class)
                .findFor(Instant.class)
                .orElseThrow()
                .map(row(value), 1, null);

        assertThat(mapped).isEqualTo(INSTANT);
    }

    @Test
    void readsColumnsByNameForRowMappers() throws SQLException {
        ResultSet rs = row(INSTANT.atOffset(ZoneOffset.ofHours(-5)));

        assertThat(UtcInstants.column(rs, "created_at")).isEqualTo(INSTANT);
        assertThat(UtcInstants.nullableColumn(rs, "created_at")).isEqualTo(INSTANT);
    }

    @Test
    void readsSqlNullAsNullOnlyWhereNullIsAllowed() throws SQLException {
        ResultSet rs = row(null);

        assertThat(UtcInstants.nullableColumn(rs, "oldest")).isNull();
        assertThatThrownBy(() -> UtcInstants.column(rs, "oldest")).hasMessageContaining("oldest");
    }

    /** A statement that records each call as [method, arguments...]. */
    private static PreparedStatement recording(List<List<Object>> calls) {
        return (PreparedStatement) Proxy.newProxyInstance(
                UtcInstantsTest.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, method, args) -> {
                    var call = new ArrayList<Object>();
                    call.add(method.getName());
                    call.addAll(Arrays.asList(args));
                    calls.add(call);
                    return null;
                });
    }

    /** A result positioned on one row whose every column, asked for as an OffsetDateTime, is {@code value}. */
    private static ResultSet row(OffsetDateTime value) {
        return (ResultSet) Proxy.newProxyInstance(
                UtcInstantsTest.class.getClassLoader(), new Class<?>[] {ResultSet.class}, (p, method, args) -> {
                    if (method.getName().equals("getObject") && args[1] == OffsetDateTime.class) {
                        return value;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
