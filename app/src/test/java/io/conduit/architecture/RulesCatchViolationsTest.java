package io.conduit.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import fixture.conduit.app.AppWiring;
import fixture.conduit.articles.ArticleRemoved;
import fixture.conduit.comments.PublicHelper;
import fixture.conduit.identity.CycleIdentity;
import fixture.conduit.identity.IdentityModule;
import fixture.conduit.identity.LeakyUsers;
import fixture.conduit.identity.UserFacade;
import fixture.conduit.identity.internal.Hidden;
import fixture.conduit.platform.DomainEvent;
import fixture.conduit.platform.KnowsIdentity;
import fixture.conduit.platform.http.Json;
import fixture.conduit.platform.http.ResponseCache;
import fixture.conduit.profiles.CycleProfiles;
import fixture.conduit.profiles.UsesApp;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each rule fails on a class written to break it, so no rule passes by matching nothing. */
class RulesCatchViolationsTest {
    private static final ConduitRules RULES = new ConduitRules("fixture.conduit");

    @Test
    void r1CatchesACycleBetweenModules() {
        assertViolation(ConduitRules::noCycles, "CycleIdentity", CycleIdentity.class, CycleProfiles.class);
    }

    @Test
    void r2CatchesADependencyAgainstTheDagAndOneOnApp() {
        assertViolation(
                ConduitRules::allowedDependenciesOnly, "CycleIdentity", CycleIdentity.class, CycleProfiles.class);
        assertViolation(ConduitRules::allowedDependenciesOnly, "UsesApp", UsesApp.class, AppWiring.class);
        assertViolation(
                ConduitRules::allowedDependenciesOnly,
                "UsesRuntime",
                fixture("comments.UsesRuntime"),
                fixture.conduit.runtime.http.HttpServer.class);
    }

    @Test
    void r3CatchesUseOfAnotherModulesInternals() {
        assertViolation(ConduitRules::apiOnlyAccess, "UsesHidden", fixture("articles.UsesHidden"), Hidden.class);
    }

    @Test
    void r4CatchesAPublicClassInAModuleRoot() {
        assertViolation(ConduitRules::smallPublicSurface, "PublicHelper", PublicHelper.class);
    }

    @Test
    void r5CatchesJavalinOutsideTheEdges() {
        assertViolation(ConduitRules::frameworksAtTheEdges, "ProfileHandler", fixture("profiles.ProfileHandler"));
    }

    @Test
    void r6CatchesAnEventThatIsNotARecord() {
        assertViolation(ConduitRules::eventsAreRecords, "ArticleRemoved", ArticleRemoved.class, DomainEvent.class);
    }

    @Test
    void r7CatchesStandardStreamsAndAnInstanceLogger() {
        assertViolation(ConduitRules::codingHygiene, "System.out", fixture("comments.Noisy"));
        assertViolation(ConduitRules::codingHygiene, "Noisy.log", fixture("comments.Noisy"));
    }

    @Test
    void r8CatchesPlatformDependingOnADomainModule() {
        assertViolation(ConduitRules::platformStaysTechnical, "KnowsIdentity", KnowsIdentity.class, UserFacade.class);
        assertViolation(
                ConduitRules::platformStaysTechnical,
                "KnowsRuntime",
                fixture("platform.KnowsRuntime"),
                fixture.conduit.runtime.http.HttpServer.class);
    }

    @Test
    void r9CatchesAFacadeExposingJdbi() {
        assertViolation(ConduitRules::frameworkFreeFaces, "LeakyUsers", LeakyUsers.class);
    }

    @Test
    void r10CatchesAModuleThatOpensItsOwnHandleOrWritesFromAnotherThread() {
        assertViolation(ConduitRules::databaseCallsJoinTheRequest, "Jdbi.open()", fixture("comments.SideChannel"));
        assertViolation(
                ConduitRules::databaseCallsJoinTheRequest, "CompletableFuture", fixture("comments.SideChannel"));
    }

    @Test
    void r11CatchesAServiceOrRepositoryThatKnowsHttp() {
        assertViolation(
                ConduitRules::domainKnowsNoHttp,
                "ResponseCache.invalidate()",
                fixture("articles.ArticleService"),
                ResponseCache.class);
        assertViolation(ConduitRules::domainKnowsNoHttp, "UserRepository", fixture("identity.UserRepository"));
    }

    @Test
    void r12CatchesTheOutboxDependingOnTheHttpLayer() {
        assertViolation(
                ConduitRules::kernelKnowsNoHttp, "EventStore", fixture("platform.events.EventStore"), Json.class);
    }

    @Test
    void r13CatchesARouteThatSendsJsonThroughAString() {
        assertViolation(ConduitRules::jsonBodiesAsBytes, "Context.json", fixture("profiles.ProfileRoutes"));
    }

    @Test
    void aWellBehavedModulePassesEveryRule() {
        JavaClasses good = new ClassFileImporter().importClasses(IdentityModule.class, UserFacade.class);

        for (ArchRule rule : RULES.all()) {
            assertThatCode(() -> rule.check(good)).as(rule.getDescription()).doesNotThrowAnyException();
        }
    }

    private static void assertViolation(Function<ConduitRules, ArchRule> rule, String mentioned, Class<?>... classes) {
        JavaClasses imported = new ClassFileImporter().importClasses(classes);
        assertThatThrownBy(() -> rule.apply(RULES).check(imported))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(mentioned);
    }

    private static Class<?> fixture(String name) {
        try {
            return Class.forName("fixture.conduit." + name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
