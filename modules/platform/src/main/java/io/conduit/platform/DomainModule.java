package io.conduit.platform;

import io.conduit.platform.events.Subscription;
import java.util.List;

/**
 * A domain module as the composition root sees it, once created: its description and the event
 * subscriptions it asks for (registered by the root, so that a module never registers itself).
 */
public interface DomainModule {
    ModuleDescriptor descriptor();

    /** What this module does when the events of its descriptor's {@code consumes} are delivered. */
    default List<Subscription<?>> subscriptions() {
        return List.of();
    }
}
