package io.conduit.articles;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** URL slugs from titles: lower-case ASCII letters, digits and single hyphens. */
final class Slug {
    static final int MAX_LENGTH = 100;
    /** Slugs a route uses as a literal segment ({@code /articles/feed}). */
    private static final Set<String> RESERVED = Set.of("feed");

    private Slug() {}

    /** The slug a title asks for, before any suffix that makes it unique. */
    static String base(String title) {
        String ascii = Normalizer.normalize(title, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug =
                ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > MAX_LENGTH) {
            slug = slug.substring(0, MAX_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "article" : slug;
    }

    /** The base and the suffixed variants to try, in order: {@code base}, {@code base-2}, ... */
    static List<String> candidates(String base, int count) {
        var candidates = new ArrayList<String>(count);
        if (!RESERVED.contains(base)) {
            candidates.add(base);
        }
        for (int i = 2; candidates.size() < count; i++) {
            candidates.add(base + "-" + i);
        }
        return candidates;
    }

    /** Whether {@code slug} is one {@link #candidates} would produce for {@code base}. */
    static boolean belongsTo(String slug, String base) {
        return slug.equals(base) || slug.matches(java.util.regex.Pattern.quote(base) + "-\\d+");
    }
}
