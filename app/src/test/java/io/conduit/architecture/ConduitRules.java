package io.conduit.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import io.conduit.app.Modules;
import io.conduit.platform.ModuleDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The module rules of docs/architecture.md ("The rules the build enforces"), written once over a
 * root package so that the same rules check the product ({@code io.conduit}) and the deliberately
 * broken fixtures ({@code fixture.conduit}). The modules and the dependencies they may have come
 * from the module descriptions ({@link Modules#ALL}), not from a list of their own.
 */
final class ConduitRules {
    static final List<String> DOMAIN_MODULES =
            Modules.ALL.stream().map(ModuleDescriptor::name).toList();

    /**
     * The allowed module dependencies: each domain module the modules its descriptor uses and the
     * kernel; the runtime only the kernel; the kernel nothing. Only app may use the runtime.
     */
    static final Map<String, Set<String>> ALLOW = allowed();

    private static Map<String, Set<String>> allowed() {
        var allow = new LinkedHashMap<String, Set<String>>();
        allow.put("platform", Set.of());
        allow.put("runtime", Set.of("platform"));
        for (ModuleDescriptor m : Modules.ALL) {
            var uses = new HashSet<>(m.uses());
            uses.add("platform");
            allow.put(m.name(), Set.copyOf(uses));
        }
        return Collections.unmodifiableMap(allow);
    }

    private final String root;

    ConduitRules(String root) {
        this.root = root;
    }

    /** R1: no cycles between modules. */
    ArchRule noCycles() {
        return slices().matching(root + ".(*)..")
                .should()
                .beFreeOfCycles()
                .allowEmptyShould(true)
                .as("R1 modules are free of cycles");
    }

    /** R2: module dependencies follow the DAG; nothing depends on app. */
    ArchRule allowedDependenciesOnly() {
        var rules = new ArrayList<ArchRule>();
        ALLOW.forEach((module, allowed) -> {
            var permitted = new ArrayList<String>();
            permitted.add(root + "." + module + "..");
            allowed.forEach(a -> permitted.add(root + "." + a + ".."));
            rules.add(classes()
                    .that()
                    .resideInAPackage(root + "." + module + "..")
                    .should()
                    .onlyDependOnClassesThat(resideOutsideOfPackage(root + "..")
                            .or(resideInAnyPackage(permitted.toArray(String[]::new))))
                    .allowEmptyShould(true));
        });
        rules.add(noClasses()
                .that()
                .resideOutsideOfPackage(root + ".app..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(root + ".app..")
                .allowEmptyShould(true));
        return CompositeArchRule.of(rules).as("R2 module dependencies follow the DAG and nothing depends on app");
    }

    /** R3: another module is used only through the public types of its root package (platform: any non-internal package). */
    ArchRule apiOnlyAccess() {
        var rules = new ArrayList<ArchRule>();
        for (String module : ALLOW.keySet()) {
            String base = root + "." + module;
            DescribedPredicate<JavaClass> internals = new DescribedPredicate<>("internal types of " + module) {
                @Override
                public boolean test(JavaClass target) {
                    boolean inModule = target.getPackageName().equals(base)
                            || target.getPackageName().startsWith(base + ".");
                    if (!inModule) {
                        return false;
                    }
                    boolean hidden = !target.getModifiers().contains(JavaModifier.PUBLIC)
                            || target.getPackageName().contains(".internal");
                    boolean subPackageOfDomainModule = DOMAIN_MODULES.contains(module)
                            && !target.getPackageName().equals(base);
                    return hidden || subPackageOfDomainModule;
                }
            };
            rules.add(noClasses()
                    .that()
                    .resideOutsideOfPackage(base + "..")
                    .should()
                    .dependOnClassesThat(internals)
                    .allowEmptyShould(true));
        }
        return CompositeArchRule.of(rules).as("R3 modules use each other only through public root-package types");
    }

    /** R4: a domain module's public top-level types are interfaces, records, enums or the one *Module class. */
    ArchRule smallPublicSurface() {
        return classes()
                .that(inDomainModuleRoots())
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should(beInterfaceRecordEnumOrModule())
                .allowEmptyShould(true)
                .as("R4 public types in a module root are interfaces, records, enums or the *Module class");
    }

    /** R5: frameworks stay at the edges. */
    ArchRule frameworksAtTheEdges() {
        return CompositeArchRule.of(List.of(
                        onlyIn(
                                "io.javalin..",
                                "Routes|Module",
                                root + ".platform.http..",
                                root + ".runtime.http..",
                                root + ".app.."),
                        // platform.database is the Jdbi setup every Jdbi gets (the Instant <-> timestamptz mapping).
                        onlyIn(
                                "org.jdbi..",
                                "Repository|Service|Module",
                                root + ".platform.database..",
                                root + ".platform.events..",
                                root + ".runtime.events..",
                                root + ".runtime.idempotency..",
                                root + ".app.."),
                        onlyIn(
                                "redis.clients..",
                                "SessionStore",
                                root + ".platform.redis..",
                                root + ".runtime.redis..",
                                root + ".app.."),
                        onlyIn("com.zaxxer.hikari..", "", root + ".app.."),
                        // runtime.database is the one migration runner: app's and the module tests'.
                        onlyIn("org.flywaydb..", "", root + ".runtime.database..", root + ".app.."),
                        // platform.json is the one mapper; platform.events stores event payloads as JSON
                        // (serialization is outbox mechanics); runtime.http reads and writes bodies.
                        onlyIn(
                                "com.fasterxml.jackson..",
                                "Json",
                                root + ".platform.json..",
                                root + ".platform.events..",
                                root + ".runtime..",
                                root + ".app..")))
                .as("R5 Javalin, Jdbi, Jedis, Hikari, Flyway and Jackson only at the edges");
    }

    /** R6: events are records in a module's root package. */
    ArchRule eventsAreRecords() {
        return classes()
                .that()
                .implement(root + ".platform.DomainEvent")
                .should()
                .beRecords()
                .andShould(resideInAModuleRoot())
                .allowEmptyShould(true)
                .as("R6 domain events are records in a module root package");
    }

    /** R7: coding hygiene. */
    ArchRule codingHygiene() {
        return CompositeArchRule.of(List.of(
                        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS,
                        GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS,
                        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING,
                        fields().that()
                                .haveRawType(Logger.class)
                                .should()
                                .bePrivate()
                                .andShould()
                                .beStatic()
                                .andShould()
                                .beFinal()
                                .allowEmptyShould(true)))
                .as(
                        "R7 no standard streams, no generic exceptions, no java.util.logging, private static final loggers");
    }

    /** R8: the kernel depends on no other module, the runtime included. */
    ArchRule platformStaysTechnical() {
        var others = new ArrayList<String>();
        DOMAIN_MODULES.forEach(m -> others.add(root + "." + m + ".."));
        others.add(root + ".runtime..");
        others.add(root + ".app..");
        return noClasses()
                .that()
                .resideInAPackage(root + ".platform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others.toArray(String[]::new))
                .allowEmptyShould(true)
                .as("R8 the platform kernel depends on no io.conduit module");
    }

    /** R9: facades and their records expose no Javalin, Jdbi, Jedis or SQL types. */
    ArchRule frameworkFreeFaces() {
        var frameworks =
                resideInAnyPackage("io.javalin..", "org.jdbi..", "redis.clients..", "java.sql..", "javax.sql..");
        DescribedPredicate<JavaClass> faces = new DescribedPredicate<>("public facades and records of a module") {
            @Override
            public boolean test(JavaClass c) {
                return inDomainModuleRoots().test(c)
                        && c.getModifiers().contains(JavaModifier.PUBLIC)
                        && (c.isInterface() || c.isRecord());
            }
        };
        return noClasses()
                .that(faces)
                .should()
                .dependOnClassesThat(frameworks)
                .allowEmptyShould(true)
                .as("R9 public facades and records expose no Javalin, Jdbi, Jedis or SQL types");
    }

    /**
     * R10: a keyed request's writes all join its one transaction because they run on its thread
     * through the shared Jdbi's callbacks (see platform.idempotency.RequestTransaction). A domain
     * class that uses Jdbi therefore never opens a handle of its own ({@code open}, {@code onDemand})
     * and never hands work to another thread, where the call would commit on its own.
     */
    ArchRule databaseCallsJoinTheRequest() {
        var escapes = new ArchCondition<JavaClass>("not open its own Jdbi handle nor hand work to another thread") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (c.getDirectDependenciesFromSelf().stream()
                        .noneMatch(d -> d.getTargetClass().getName().equals("org.jdbi.v3.core.Jdbi"))) {
                    return;
                }
                c.getMethodCallsFromSelf().stream()
                        .filter(call -> call.getTargetOwner().getName().equals("org.jdbi.v3.core.Jdbi")
                                && Set.of("open", "onDemand").contains(call.getName()))
                        .forEach(call -> events.add(SimpleConditionEvent.violated(call, call.getDescription())));
                c.getDirectDependenciesFromSelf().stream()
                        .filter(
                                d -> d.getTargetClass().getName().equals("java.lang.Thread")
                                        || d.getTargetClass().getPackageName().equals("java.util.concurrent")
                                                && d.getTargetClass()
                                                        .getSimpleName()
                                                        .matches(
                                                                "Executor.*|CompletableFuture|ForkJoin.*|StructuredTaskScope.*"))
                        .forEach(d -> events.add(SimpleConditionEvent.violated(d, d.getDescription())));
            }
        };
        return classes()
                .that(inDomainModules())
                .should(escapes)
                .allowEmptyShould(true)
                .as("R10 domain classes that use Jdbi call it on the request's thread through its callbacks only");
    }

    /**
     * R11 (issue 13): domain code knows no HTTP. In a domain module only the route adapters
     * ({@code *Routes}) and the wiring ({@code *Module}) use platform.http or Javalin: services,
     * repositories and the rest take domain values (a {@code UserId}, a session id), never the HTTP
     * caller or a request, and react to nothing HTTP (the response cache hangs off their events).
     */
    ArchRule domainKnowsNoHttp() {
        return noClasses()
                .that(inDomainModules())
                .and(not(namedLike("Routes|Module")))
                .should()
                .dependOnClassesThat(resideInAnyPackage(root + ".platform.http..", "io.javalin.."))
                .allowEmptyShould(true)
                .as("R11 in a domain module only *Routes and *Module classes use platform.http or Javalin");
    }

    /**
     * R12 (issue 13): HTTP sits on the platform kernel, never under it. Every platform package but
     * platform.http (events and the outbox, idempotency, json, redis, the root) depends neither on
     * platform.http nor on Javalin.
     */
    ArchRule kernelKnowsNoHttp() {
        return noClasses()
                .that()
                .resideInAPackage(root + ".platform..")
                .and()
                .resideOutsideOfPackage(root + ".platform.http..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(root + ".platform.http..", "io.javalin.."))
                .allowEmptyShould(true)
                .as("R12 the platform kernel outside platform.http uses neither platform.http nor Javalin");
    }

    /**
     * R13 (issue 14): a JSON body is written once, as bytes, by platform.http's {@code Responses}.
     * {@code Context.json} builds a {@code String} and encodes it again (two copies of every body
     * and Jackson's buffers on each request), and its result cannot be read back without a copy.
     */
    ArchRule jsonBodiesAsBytes() {
        DescribedPredicate<JavaMethodCall> contextJson =
                new DescribedPredicate<>("Context.json or Context.jsonStream") {
                    @Override
                    public boolean test(JavaMethodCall call) {
                        return call.getTargetOwner().isAssignableTo("io.javalin.http.Context")
                                && (call.getName().equals("json")
                                        || call.getName().equals("jsonStream"));
                    }
                };
        return noClasses()
                .should()
                .callMethodWhere(contextJson)
                .allowEmptyShould(true)
                .as("R13 JSON bodies are sent by Responses as bytes, never by Context.json");
    }

    List<ArchRule> all() {
        return List.of(
                noCycles(),
                allowedDependenciesOnly(),
                apiOnlyAccess(),
                smallPublicSurface(),
                frameworksAtTheEdges(),
                eventsAreRecords(),
                codingHygiene(),
                platformStaysTechnical(),
                frameworkFreeFaces(),
                databaseCallsJoinTheRequest(),
                domainKnowsNoHttp(),
                kernelKnowsNoHttp(),
                jsonBodiesAsBytes());
    }

    /** No class uses {@code framework} unless its name ends in one of {@code suffixes} or it sits in {@code packages}. */
    private ArchRule onlyIn(String framework, String suffixes, String... packages) {
        DescribedPredicate<JavaClass> allowed = new DescribedPredicate<>("allowed users of " + framework) {
            @Override
            public boolean test(JavaClass c) {
                boolean bySuffix = !suffixes.isEmpty() && namedLike(suffixes).test(c);
                return bySuffix || resideInAnyPackage(packages).test(c);
            }
        };
        return noClasses()
                .that()
                .resideInAPackage(root + "..")
                .and(not(allowed))
                .should()
                .dependOnClassesThat(resideInAPackage(framework))
                .allowEmptyShould(true);
    }

    /** Classes whose top-level class's simple name ends in one of {@code suffixes} (a regex alternation). */
    private static DescribedPredicate<JavaClass> namedLike(String suffixes) {
        return new DescribedPredicate<>("named *(" + suffixes + ")") {
            @Override
            public boolean test(JavaClass c) {
                String top = c.getName().contains("$")
                        ? c.getName().substring(0, c.getName().indexOf('$'))
                        : c.getName();
                String simple = top.substring(top.lastIndexOf('.') + 1);
                return simple.matches(".*(" + suffixes + ")");
            }
        };
    }

    private DescribedPredicate<JavaClass> inDomainModules() {
        return new DescribedPredicate<>("in a domain module") {
            @Override
            public boolean test(JavaClass c) {
                return DOMAIN_MODULES.stream()
                        .anyMatch(m -> c.getPackageName().equals(root + "." + m)
                                || c.getPackageName().startsWith(root + "." + m + "."));
            }
        };
    }

    private DescribedPredicate<JavaClass> inDomainModuleRoots() {
        return new DescribedPredicate<>("in a domain module root") {
            @Override
            public boolean test(JavaClass c) {
                return DOMAIN_MODULES.stream().anyMatch(m -> c.getPackageName().equals(root + "." + m));
            }
        };
    }

    private ArchCondition<JavaClass> resideInAModuleRoot() {
        return new ArchCondition<>("reside in a module root package") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                boolean ok =
                        DOMAIN_MODULES.stream().anyMatch(m -> c.getPackageName().equals(root + "." + m));
                events.add(new SimpleConditionEvent(c, ok, c.getName() + " is in " + c.getPackageName()));
            }
        };
    }

    private static ArchCondition<JavaClass> beInterfaceRecordEnumOrModule() {
        return new ArchCondition<>("be an interface, record, enum or the *Module class") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                boolean ok = c.isInterface()
                        || c.isRecord()
                        || c.isEnum()
                        || c.getSimpleName().endsWith("Module");
                events.add(new SimpleConditionEvent(c, ok, c.getName() + " is a public class"));
            }
        };
    }
}
