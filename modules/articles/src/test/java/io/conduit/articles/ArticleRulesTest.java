package io.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.platform.Invalid;
import io.conduit.platform.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ArticleRulesTest {
    private final Violations v = new Violations();

    @Test
    void refusesMissingOrBlankText() {
        ArticleRules.text(v, "title", null, ArticleRules.TITLE_MAX);
        ArticleRules.text(v, "body", " \t\n", ArticleRules.BODY_MAX);

        assertThat(errors())
                .containsExactly(
                        Map.entry("title", List.of("can't be blank")), Map.entry("body", List.of("can't be blank")));
    }

    @Test
    void acceptsTextUpToItsMaximumAndRefusesOneCharacterMore() {
        ArticleRules.text(v, "title", "x".repeat(ArticleRules.TITLE_MAX), ArticleRules.TITLE_MAX);
        ArticleRules.text(v, "description", "x".repeat(ArticleRules.DESCRIPTION_MAX), ArticleRules.DESCRIPTION_MAX);
        assertThat(errors()).isEmpty();

        ArticleRules.text(v, "title", "x".repeat(ArticleRules.TITLE_MAX + 1), ArticleRules.TITLE_MAX);

        assertThat(errors()).containsExactly(Map.entry("title", List.of("is too long (maximum is 200 characters)")));
    }

    @Test
    void trimsDropsDuplicatesAndSortsTags() {
        List<String> tags = ArticleRules.tags(v, List.of(" zeta", "alpha ", "zeta", "beta"));

        assertThat(tags).containsExactly("alpha", "beta", "zeta");
        assertThat(errors()).isEmpty();
    }

    @Test
    void refusesABlankTag() {
        List<String> tags = ArticleRules.tags(v, List.of("fine", "  "));

        assertThat(tags).isEmpty();
        assertThat(errors()).containsExactly(Map.entry("tagList", List.of("can't contain a blank tag")));
    }

    @Test
    void acceptsTagsOfFiftyCharactersAndRefusesLonger() {
        assertThat(ArticleRules.tags(v, List.of("t".repeat(50)))).containsExactly("t".repeat(50));
        assertThat(errors()).isEmpty();

        List<String> tags = ArticleRules.tags(v, List.of("t".repeat(51)));

        assertThat(tags).isEmpty();
        assertThat(errors()).containsExactly(Map.entry("tagList", List.of("has a tag longer than 50 characters")));
    }

    @Test
    void acceptsTenDistinctTagsHoweverOftenRepeatedAndRefusesEleven() {
        List<String> ten = numbered(10);
        var repeated = new ArrayList<>(ten);
        repeated.addAll(ten);
        assertThat(ArticleRules.tags(v, repeated)).hasSize(10);
        assertThat(errors()).isEmpty();

        List<String> tags = ArticleRules.tags(v, numbered(11));

        assertThat(tags).isEmpty();
        assertThat(errors()).containsExactly(Map.entry("tagList", List.of("has more than 10 tags")));
    }

    private static List<String> numbered(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "tag" + i).toList();
    }

    /** What the collected violations would answer, or nothing when there are none. */
    private Map<String, List<String>> errors() {
        try {
            v.throwIfAny();
            return Map.of();
        } catch (Invalid e) {
            return e.errors();
        }
    }
}
