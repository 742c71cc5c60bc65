package io.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.conduit.platform.Invalid;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageRequestTest {
    private static final String LIMIT = "must be a whole number from 1 to 100";
    private static final String OFFSET = "must be a whole number from 0 to 100000";

    @Test
    void defaultsToTwentyFromTheStartWhenAbsentOrEmpty() {
        assertThat(PageRequest.of(null, null)).isEqualTo(new PageRequest(20, 0));
        assertThat(PageRequest.of("", "")).isEqualTo(new PageRequest(20, 0));
    }

    @Test
    void acceptsEveryValueWithinTheBoundsAroundSpaces() {
        assertThat(PageRequest.of("1", "0")).isEqualTo(new PageRequest(1, 0));
        assertThat(PageRequest.of("100", "100000")).isEqualTo(new PageRequest(100, 100_000));
        assertThat(PageRequest.of(" 7 ", "3")).isEqualTo(new PageRequest(7, 3));
    }

    @Test
    void refusesALimitOutsideOneToAHundred() {
        assertThat(errors("0", null)).containsExactly(Map.entry("limit", List.of(LIMIT)));
        assertThat(errors("101", null)).containsExactly(Map.entry("limit", List.of(LIMIT)));
    }

    @Test
    void refusesAnOffsetOutsideZeroToAHundredThousand() {
        assertThat(errors(null, "-1")).containsExactly(Map.entry("offset", List.of(OFFSET)));
        assertThat(errors(null, "100001")).containsExactly(Map.entry("offset", List.of(OFFSET)));
    }

    @Test
    void refusesWhatIsNotAWholeNumberNamingBothFieldsAtOnce() {
        assertThat(errors("ten", "1.5"))
                .containsExactly(Map.entry("limit", List.of(LIMIT)), Map.entry("offset", List.of(OFFSET)));
        assertThat(errors("99999999999", null)).containsOnlyKeys("limit");
    }

    private static Map<String, List<String>> errors(String limit, String offset) {
        Invalid invalid = catchThrowableOfType(Invalid.class, () -> PageRequest.of(limit, offset));
        assertThat(invalid).as("limit %s, offset %s refused", limit, offset).isNotNull();
        return invalid.errors();
    }
}
