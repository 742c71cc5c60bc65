package io.conduit.articles;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A validated partial update: a null field is kept as it is; {@code tags = []} removes every tag. */
record ArticleChanges(
        @Nullable String title,
        @Nullable String description,
        @Nullable String body,
        @Nullable List<String> tags) {}
