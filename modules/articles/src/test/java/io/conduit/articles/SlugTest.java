package io.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlugTest {
    @Test
    void lowerCasesAndJoinsWordsWithSingleHyphens() {
        assertThat(Slug.base("How to train your Dragon")).isEqualTo("how-to-train-your-dragon");
        assertThat(Slug.base("  --Hello,   World!--  ")).isEqualTo("hello-world");
        assertThat(Slug.base("Java 25 & Jdbi 3")).isEqualTo("java-25-jdbi-3");
    }

    @Test
    void foldsAccentsAndCompatibilityCharactersToAscii() {
        assertThat(Slug.base("Crème brûlée")).isEqualTo("creme-brulee");
        assertThat(Slug.base("ﬁsh ½")).isEqualTo("fish-1-2");
    }

    @Test
    void fallsBackToArticleWhenNothingAsciiIsLeft() {
        assertThat(Slug.base("日本語")).isEqualTo("article");
        assertThat(Slug.base("!!!")).isEqualTo("article");
    }

    @Test
    void cutsLongTitlesToTheMaximumWithoutATrailingHyphen() {
        assertThat(Slug.base("a".repeat(Slug.MAX_LENGTH))).isEqualTo("a".repeat(Slug.MAX_LENGTH));
        assertThat(Slug.base("a".repeat(Slug.MAX_LENGTH + 1))).isEqualTo("a".repeat(Slug.MAX_LENGTH));
        assertThat(Slug.base("a".repeat(Slug.MAX_LENGTH - 1) + " bcd")).isEqualTo("a".repeat(Slug.MAX_LENGTH - 1));
    }

    @Test
    void offersTheBaseThenNumberedVariantsFromTwo() {
        assertThat(Slug.candidates("my-title", 4))
                .containsExactly("my-title", "my-title-2", "my-title-3", "my-title-4");
    }

    @Test
    void neverOffersAReservedRouteSegment() {
        assertThat(Slug.candidates("feed", 3)).containsExactly("feed-2", "feed-3", "feed-4");
    }

    @Test
    void recognisesTheBaseAndItsNumberedVariantsOnly() {
        assertThat(Slug.belongsTo("my-title", "my-title")).isTrue();
        assertThat(Slug.belongsTo("my-title-17", "my-title")).isTrue();

        assertThat(Slug.belongsTo("my-title-x", "my-title")).isFalse();
        assertThat(Slug.belongsTo("my-titles", "my-title")).isFalse();
        assertThat(Slug.belongsTo("my-title-2", "my")).isFalse();
        assertThat(Slug.belongsTo("my-title", "my-title-2")).isFalse();
    }
}
