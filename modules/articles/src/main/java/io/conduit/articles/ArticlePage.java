package io.conduit.articles;

import io.conduit.platform.UserId;
import io.conduit.profiles.ProfileView;
import java.util.List;
import java.util.Map;

/** One page of articles with their authors as the viewer sees them, and the total match count. */
record ArticlePage(List<ArticleRow> rows, Map<UserId, ProfileView> authors, long total) {}
