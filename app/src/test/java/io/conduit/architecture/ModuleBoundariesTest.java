package io.conduit.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every module rule of docs/architecture.md holds for the product code. */
class ModuleBoundariesTest {
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.conduit");
    }

    static Stream<ArchRule> rules() {
        return new ConduitRules("io.conduit").all().stream();
    }

    @Test
    void looksAtEveryModule() {
        assertThat(product.stream().map(c -> c.getPackageName()).distinct())
                .contains(
                        "io.conduit.platform",
                        "io.conduit.platform.http",
                        "io.conduit.runtime.http",
                        "io.conduit.identity",
                        "io.conduit.app");
        assertThat(product.contain("io.conduit.identity.UserService")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void holdsForTheProduct(ArchRule rule) {
        rule.check(product);
    }
}
