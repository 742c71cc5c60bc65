package io.conduit.comments;

import io.conduit.platform.UserId;
import io.conduit.profiles.ProfileView;
import java.util.List;
import java.util.Map;

/** Comments with their authors as the viewer sees them. */
record CommentPage(List<CommentRow> rows, Map<UserId, ProfileView> authors) {}
