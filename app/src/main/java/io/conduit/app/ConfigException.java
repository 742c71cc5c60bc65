package io.conduit.app;

import java.util.List;

/** The configuration cannot be used; the message names every bad variable, one per line. */
final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
}
