package io.conduit.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.Modules;
import io.conduit.platform.ModuleDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The module descriptions ({@link Modules#ALL}) are the one statement of which modules exist and
 * what each may use. The Maven build and the architecture page must agree with them: each module's
 * pom depends on exactly the modules its descriptor uses (plus the kernel), the reactor lists them
 * in order, and docs/architecture.md shows the graph and the rules generated here.
 */
class ModuleDescriptionTest {
    private static final Path ROOT = Repository.root();

    @Test
    void eachPomDependsOnExactlyWhatItsDescriptorUses() throws Exception {
        for (ModuleDescriptor m : Modules.ALL) {
            var expected = new TreeSet<>(m.uses());
            expected.add("platform");
            assertThat(conduitDependencies(ROOT.resolve("modules/" + m.name() + "/pom.xml")))
                    .as(
                            "modules/%s/pom.xml: its io.conduit dependencies (compile scope) against %s.DESCRIPTOR",
                            m.name(), m.name())
                    .isEqualTo(expected);
        }
        assertThat(conduitDependencies(ROOT.resolve("modules/runtime/pom.xml")))
                .as("the runtime uses the kernel only")
                .isEqualTo(Set.of("platform"));
        assertThat(conduitDependencies(ROOT.resolve("modules/testing/pom.xml")))
                .as("the module tests' support uses the kernel and the runtime's migrations only")
                .isEqualTo(Set.of("platform", "runtime"));
        assertThat(conduitDependencies(ROOT.resolve("modules/platform/pom.xml")))
                .as("the kernel uses no module")
                .isEmpty();
    }

    @Test
    void theReactorListsEveryModuleInDependencyOrder() throws Exception {
        var expected = new ArrayList<String>();
        expected.add("modules/platform");
        expected.add("modules/runtime");
        expected.add("modules/testing"); // the domain modules' test support (test scope only)
        Modules.ALL.forEach(m -> expected.add("modules/" + m.name()));
        expected.add("app");
        var doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        var listed = new ArrayList<String>();
        var nodes = doc.getElementsByTagName("module");
        for (int i = 0; i < nodes.getLength(); i++) {
            listed.add(nodes.item(i).getTextContent().strip());
        }
        assertThat(listed).as("<modules> of the root pom").isEqualTo(expected);
    }

    @Test
    void theArchitecturePageShowsTheGraphOfTheDescriptions() throws IOException {
        assertThat(block("module-graph"))
                .as("docs/architecture.md between <!-- module-graph:begin --> and <!-- module-graph:end -->;"
                        + " paste the expected text there")
                .isEqualTo(graph());
    }

    @Test
    void theArchitecturePageListsTheRulesTheBuildEnforces() throws IOException {
        var rules = new StringBuilder();
        for (var rule : new ConduitRules("io.conduit").all()) {
            rules.append("- ").append(rule.getDescription()).append('\n');
        }
        assertThat(block("rules"))
                .as("docs/architecture.md between <!-- rules:begin --> and <!-- rules:end -->")
                .isEqualTo(rules.toString());
    }

    /** The graph as a Mermaid diagram (GitHub draws it) and a table, both from the descriptions. */
    static String graph() {
        var out = new StringBuilder();
        out.append("```mermaid\nflowchart BT\n");
        out.append("    app --> runtime\n");
        for (ModuleDescriptor m : Modules.ALL) {
            out.append("    app --> ").append(m.name()).append('\n');
        }
        for (ModuleDescriptor m : Modules.ALL) {
            for (String used : m.uses()) {
                out.append("    ").append(m.name()).append(" --> ").append(used).append('\n');
            }
            out.append("    ").append(m.name()).append(" --> platform\n");
        }
        out.append("    runtime --> platform\n");
        out.append("```\n\n");
        out.append("| module | schema | uses (besides `platform`) | consumes |\n");
        out.append("| --- | --- | --- | --- |\n");
        for (ModuleDescriptor m : Modules.ALL) {
            out.append("| `")
                    .append(m.name())
                    .append("` | `")
                    .append(m.schema())
                    .append("` | ")
                    .append(m.uses().isEmpty() ? "—" : String.join(", ", m.uses()))
                    .append(" | ")
                    .append(
                            m.consumes().isEmpty()
                                    ? "—"
                                    : String.join(
                                            ", ",
                                            m.consumes().stream()
                                                    .map(Class::getSimpleName)
                                                    .toList()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String block(String name) throws IOException {
        String page = Files.readString(ROOT.resolve("docs/architecture.md"));
        int begin = page.indexOf("<!-- " + name + ":begin");
        int end = page.indexOf("<!-- " + name + ":end -->");
        assertThat(begin).as("docs/architecture.md has a %s block", name).isNotNegative();
        assertThat(end).as("docs/architecture.md closes its %s block", name).isGreaterThan(begin);
        return page.substring(page.indexOf('\n', begin) + 1, end);
    }

    /** The io.conduit artifacts (without "conduit-") a pom depends on outside the test scope. */
    private static Set<String> conduitDependencies(Path pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        var found = new TreeSet<String>();
        var dependencies = doc.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            var dependency = (Element) dependencies.item(i);
            if (dependency.getParentNode().getParentNode().getNodeName().equals("dependencyManagement")) {
                continue;
            }
            if ("io.conduit".equals(child(dependency, "groupId")) && !"test".equals(child(dependency, "scope"))) {
                found.add(child(dependency, "artifactId").replaceFirst("^conduit-", ""));
            }
        }
        return found;
    }

    private static String child(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n.getTextContent().strip();
            }
        }
        return null;
    }
}
