package io.conduit.profiles;

import io.conduit.platform.UserId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The profiles facade: public profiles as a given viewer sees them, and who follows whom. */
public interface Profiles {
    Optional<ProfileView> byUsername(String username, Optional<UserId> viewer);

    /** The profiles of {@code ids} for {@code viewer}, in a fixed number of queries whatever their number. */
    Map<UserId, ProfileView> byIds(Set<UserId> ids, Optional<UserId> viewer);

    /** Everyone {@code follower} follows (for the feed). */
    Set<UserId> followedBy(UserId follower);
}
