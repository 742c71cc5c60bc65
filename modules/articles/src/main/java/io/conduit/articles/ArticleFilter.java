package io.conduit.articles;

import io.conduit.platform.UserId;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which articles a list shows; every field that is set narrows it.
 *
 * @param tag articles with this tag
 * @param author articles by this user
 * @param favoritedBy articles this user favorited
 * @param authors articles by any of these users (the feed)
 */
record ArticleFilter(
        @Nullable String tag,
        @Nullable UserId author,
        @Nullable UserId favoritedBy,
        @Nullable Set<UserId> authors) {

    static ArticleFilter feed(Set<UserId> authors) {
        return new ArticleFilter(null, null, null, Set.copyOf(authors));
    }

    boolean isEverything() {
        return tag == null && author == null && favoritedBy == null && authors == null;
    }

    /** The feed: only a set of authors. */
    boolean isAuthorsOnly() {
        return authors != null && tag == null && author == null && favoritedBy == null;
    }

    boolean isTagOnly() {
        return tag != null && author == null && favoritedBy == null && authors == null;
    }
}
