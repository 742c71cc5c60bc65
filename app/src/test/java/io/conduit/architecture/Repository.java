package io.conduit.architecture;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in: the folder with {@code mvnw}, above the module's working directory. */
final class Repository {
    private Repository() {}

    static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no mvnw above " + start + ": not run inside the repository");
    }
}
