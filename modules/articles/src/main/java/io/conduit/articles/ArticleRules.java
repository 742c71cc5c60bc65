package io.conduit.articles;

import io.conduit.platform.Invalid;
import io.conduit.platform.Violations;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The documented input limits of articles (README, "Input limits"). */
final class ArticleRules {
    static final int TITLE_MAX = 200;
    static final int DESCRIPTION_MAX = 1_000;
    static final int BODY_MAX = 100_000;
    static final int TAGS_MAX = 10;
    static final int TAG_MAX = 50;

    private ArticleRules() {}

    static void text(Violations v, String field, @Nullable String value, int max) {
        if (value == null || value.isBlank()) {
            v.add(field, Invalid.BLANK);
        } else if (value.length() > max) {
            v.add(field, "is too long (maximum is " + max + " characters)");
        }
    }

    /** Trims, drops duplicates and sorts; reports blank, too long or too many tags. */
    static List<String> tags(Violations v, List<String> tags) {
        var clean = new TreeSet<String>();
        for (String tag : tags) {
            String trimmed = tag.strip();
            if (trimmed.isEmpty()) {
                v.add("tagList", "can't contain a blank tag");
                return List.of();
            }
            if (trimmed.length() > TAG_MAX) {
                v.add("tagList", "has a tag longer than " + TAG_MAX + " characters");
                return List.of();
            }
            clean.add(trimmed);
        }
        if (clean.size() > TAGS_MAX) {
            v.add("tagList", "has more than " + TAGS_MAX + " tags");
            return List.of();
        }
        return List.copyOf(clean);
    }
}
