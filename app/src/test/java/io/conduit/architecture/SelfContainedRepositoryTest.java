package io.conduit.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A clone of the repository is all a reader has: every document a file names, and every relative
 * link of a Markdown page, must exist in the repository. Catches a README or comment that sends the
 * reader to a folder beside the checkout, or a link left behind by a rename.
 */
class SelfContainedRepositoryTest {
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".terraform", ".mvn");
    /** A path or file name ending in {@code .md}, not part of a longer path or a shell variable. */
    private static final Pattern DOCUMENT = Pattern.compile("(?<![$}\\w./-])([\\w./-]*\\w\\.md)\\b");
    /** A relative path that climbs ({@code ../name}): it must stay inside the checkout. */
    private static final Pattern UPWARD = Pattern.compile("(?<![\\w$}/.])((?:\\.\\./)+\\w[\\w.-]*)");
    /** A relative Markdown link target (no scheme, not an anchor alone). */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s:]+)(#[^)\\s]*)?\\)");

    private static Path root;
    private static List<Path> files;
    private static Set<String> names;

    @BeforeAll
    static void walk() throws IOException {
        root = Repository.root();
        try (Stream<Path> all = Files.walk(root)) {
            files = all.filter(Files::isRegularFile)
                    .filter(p -> !skipped(root.relativize(p)))
                    .toList();
        }
        names = new HashSet<>();
        files.forEach(f -> names.add(f.getFileName().toString()));
    }

    @Test
    void nothingPointsOutsideTheRepository() {
        assertThat(mentionsWhere(
                        UPWARD,
                        (file, path) ->
                                !file.getParent().resolve(path).normalize().startsWith(root)))
                .as("paths that lead out of the checkout")
                .isEmpty();
    }

    @Test
    void everyDocumentNamedExists() {
        assertThat(mentionsWhere(DOCUMENT, (file, named) -> !resolves(file, named)))
                .as("documents named but not in the repository")
                .isEmpty();
    }

    /** "file names X" for every match X of {@code pattern} (group 1) in a text file that is {@code bad}. */
    private static List<String> mentionsWhere(Pattern pattern, BiPredicate<Path, String> bad) {
        var found = new ArrayList<String>();
        for (Path file : files) {
            String text = text(file);
            if (text == null) {
                continue;
            }
            var m = pattern.matcher(text);
            while (m.find()) {
                if (bad.test(file, m.group(1))) {
                    found.add(root.relativize(file) + " names " + m.group(1));
                }
            }
        }
        return found;
    }

    @Test
    void everyRelativeMarkdownLinkResolves() {
        var broken = new ArrayList<String>();
        for (Path file : files) {
            if (!file.getFileName().toString().endsWith(".md")) {
                continue;
            }
            var m = LINK.matcher(text(file));
            while (m.find()) {
                String target = m.group(1);
                if (!Files.exists(file.getParent().resolve(target).normalize())) {
                    broken.add(root.relativize(file) + " links to " + target);
                }
            }
        }
        assertThat(broken).as("relative Markdown links that lead nowhere").isEmpty();
    }

    /** Relative to the file, to the root, or a bare name that some file in the repository has. */
    private static boolean resolves(Path file, String named) {
        if (Files.exists(file.getParent().resolve(named).normalize())
                || Files.exists(root.resolve(named).normalize())) {
            return true;
        }
        return !named.contains("/") && names.contains(named);
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_DIRS.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /** The file as UTF-8 text, or null for a binary or large file. */
    private static String text(Path file) {
        try {
            if (Files.size(file) > 2_000_000) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                if (b == 0) {
                    return null;
                }
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
