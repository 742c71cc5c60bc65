package io.conduit.identity;

import io.conduit.platform.DomainEvent;
import io.conduit.platform.UserId;
import java.time.Instant;

/** A user changed their account: what every reader sees of them (username, bio, image) may differ. */
public record UserUpdated(UserId userId, Instant updatedAt) implements DomainEvent {}
