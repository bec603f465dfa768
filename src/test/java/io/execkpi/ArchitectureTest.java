package io.execkpi;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import org.junit.jupiter.api.Test;

/**
 * The package structure of the production classes: no cycle between any two packages of {@code io.execkpi} (the
 * root package, which wires the application and the command line, counts as one), and the shared layers — the job
 * plumbing ({@code jobs}), the web helpers ({@code web}) and the shared settings ({@code config}) — depend on no
 * capability package; dashboard pages read through the read services, never through a REST controller.
 */
class ArchitectureTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.execkpi");

    /** The capabilities: what the service computes and shows, built on the shared layers. */
    private static final String[] CAPABILITIES = {"io.execkpi.kpi..", "io.execkpi.quality..", "io.execkpi.abtest..",
            "io.execkpi.ml..", "io.execkpi.alerts..", "io.execkpi.dashboard..", "io.execkpi.bootstrap.."};

    /** Every package is its own slice, so that a cycle between a package and its sub-package counts too. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.equals("io.execkpi") || name.startsWith("io.execkpi.")
                    ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of io.execkpi";
        }
    };

    @Test
    void packagesAreFreeOfCycles() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(PRODUCTION);
    }

    @Test
    void jobPlumbingWebAndConfigDependOnNoCapability() {
        noClasses().that().resideInAnyPackage("io.execkpi.jobs..", "io.execkpi.web..", "io.execkpi.config..")
                .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
                .check(PRODUCTION);
    }

    @Test
    void configDependsOnNoOtherPackageOfTheService() {
        noClasses().that().resideInAPackage("io.execkpi.config..")
                .should().dependOnClassesThat(resideInAPackage("io.execkpi..")
                        .and(resideOutsideOfPackage("io.execkpi.config..")))
                .check(PRODUCTION);
    }

    /**
     * Dashboard pages and JSON endpoints are two views over the same read services ({@code KpiReads},
     * {@code ExperimentReads}, {@code MlReads}): a page never calls a REST controller, so neither knows the other.
     */
    @Test
    void pagesDependOnReadServicesNotOnRestControllers() {
        noClasses().that().areAnnotatedWith(io.execkpi.web.DashboardPage.class)
                .should().dependOnClassesThat().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .check(PRODUCTION);
    }
}
