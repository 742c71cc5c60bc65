package io.conduit.identity;

import io.conduit.platform.UserId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The identity facade other modules call: who a user is, one at a time or in batches. */
public interface Users {
    Optional<UserView> byId(UserId id);

    Optional<UserView> byUsername(String username);

    /** The users among {@code ids} that exist, in one query whatever the number of ids. */
    Map<UserId, UserView> byIds(Set<UserId> ids);
}
