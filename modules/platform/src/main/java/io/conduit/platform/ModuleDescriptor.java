package io.conduit.platform;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A module, described once, in the {@code DESCRIPTOR} of its {@code *Module} class: its name (its
 * package {@code io.conduit.<name>} and its Maven module {@code modules/<name>}), the PostgreSQL
 * schema it owns (migrations in {@code classpath:db/<schema>}, with their own Flyway history), the
 * modules it uses (besides the kernel), and the domain events it consumes. The migration runner, the
 * composition root, the architecture rules and the check of the Maven poms read these descriptions;
 * {@code docs/architecture.md} draws its module graph from them.
 */
public record ModuleDescriptor(
        String name, String schema, List<String> uses, List<Class<? extends DomainEvent>> consumes) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");

    /** The kernel's own schema: the outbox and the idempotency records. */
    public static final ModuleDescriptor PLATFORM = new ModuleDescriptor("platform", "platform", List.of(), List.of());

    public ModuleDescriptor {
        if (!NAME.matcher(name).matches() || !NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException(
                    "a module's name and schema are lower-case words: " + name + ", " + schema);
        }
        uses = List.copyOf(uses);
        consumes = List.copyOf(consumes);
        if (uses.contains(name)) {
            throw new IllegalArgumentException("module " + name + " cannot use itself");
        }
    }

    /** Where Flyway finds the schema's migrations. */
    public String migrations() {
        return "classpath:db/" + schema;
    }
}
