package io.conduit.app;

import io.conduit.articles.ArticlesModule;
import io.conduit.comments.CommentsModule;
import io.conduit.identity.IdentityModule;
import io.conduit.platform.DomainEvent;
import io.conduit.platform.DomainModule;
import io.conduit.platform.ModuleDescriptor;
import io.conduit.platform.events.Subscription;
import io.conduit.profiles.ProfilesModule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The domain modules, in dependency order: the one list that the migration runner ({@link
 * Database#migrate}), the composition root ({@link Application}), the architecture rules and the
 * check of the Maven poms read. Each module describes itself in its {@code DESCRIPTOR}.
 */
public final class Modules {
    /** Every domain module, each after the modules it uses. */
    public static final List<ModuleDescriptor> ALL = checkedOrder(List.of(
            IdentityModule.DESCRIPTOR,
            ProfilesModule.DESCRIPTOR,
            ArticlesModule.DESCRIPTOR,
            CommentsModule.DESCRIPTOR));

    private Modules() {}

    /** The schemas to migrate, in order: the kernel's, then each module's. */
    static List<ModuleDescriptor> schemas() {
        var all = new ArrayList<ModuleDescriptor>();
        all.add(ModuleDescriptor.PLATFORM);
        all.addAll(ALL);
        return List.copyOf(all);
    }

    /**
     * Checks what the composition root created against the descriptions: the same modules in the
     * same order, and each one's subscriptions exactly the events its descriptor consumes.
     */
    static void checkCreated(List<? extends DomainModule> created) {
        var described = created.stream().map(DomainModule::descriptor).toList();
        if (!described.equals(ALL)) {
            throw new IllegalStateException("the composition root created "
                    + described.stream().map(ModuleDescriptor::name).toList() + " but Modules.ALL describes "
                    + ALL.stream().map(ModuleDescriptor::name).toList());
        }
        for (DomainModule module : created) {
            Set<Class<? extends DomainEvent>> subscribed = new HashSet<>();
            for (Subscription<?> s : module.subscriptions()) {
                subscribed.add(s.type());
            }
            if (!subscribed.equals(Set.copyOf(module.descriptor().consumes()))) {
                throw new IllegalStateException("module " + module.descriptor().name() + " subscribes to " + subscribed
                        + " but its descriptor consumes " + module.descriptor().consumes());
            }
        }
    }

    private static List<ModuleDescriptor> checkedOrder(List<ModuleDescriptor> modules) {
        var seen = new HashSet<String>();
        for (ModuleDescriptor m : modules) {
            for (String used : m.uses()) {
                if (!seen.contains(used)) {
                    throw new IllegalStateException(
                            "module " + m.name() + " uses " + used + ", which is not listed before it");
                }
            }
            if (!seen.add(m.name())) {
                throw new IllegalStateException("module " + m.name() + " is listed twice");
            }
        }
        return modules;
    }
}
