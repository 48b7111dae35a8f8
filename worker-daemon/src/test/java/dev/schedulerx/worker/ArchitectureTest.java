package dev.schedulerx.worker;

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
 * Module boundaries: the worker carries no server code, the shared modules neither, and the packages of the
 * worker and of the server depend on each other in one direction only. Here because this module's tests see
 * every module's classes.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.schedulerx.worker";
  private static final String SERVER = "dev.schedulerx.server";
  private static final ClassFileImporter MAIN_CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
  private final JavaClasses worker = MAIN_CLASSES.importPackages(ROOT);

  @Test
  void theWorkerReachesTheServerOnlyThroughTheEmbeddedServerEntryPoint() {
    noClasses().that().resideInAPackage(ROOT + "..")
        .should().dependOnClassesThat().resideInAPackage("dev.schedulerx.server..")
        .because("a daemon embeds the server through dev.schedulerx.common.embedded.EmbeddedServer, found at run time")
        .check(worker);
  }

  @Test
  void theSharedModulesKnowNeitherTheWorkerNorTheServer() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(ROOT + "..", SERVER + "..")
        .check(MAIN_CLASSES.importPackages("dev.schedulerx.common", "dev.schedulerx.job", "dev.schedulerx.protocol", "dev.schedulerx.api"));
  }

  @Test
  void theWorkersPackagesHaveNoCycles() {
    slices().assignedFrom(byTopPackage(ROOT)).should().beFreeOfCycles().check(worker);
  }

  @Test
  void theServersPackagesHaveNoCycles() {
    slices().assignedFrom(byTopPackage(SERVER)).should().beFreeOfCycles().check(MAIN_CLASSES.importPackages(SERVER));
  }

  /** One slice per package under {@code root} and one for {@code root} itself (where the daemon is assembled). */
  static SliceAssignment byTopPackage(String root) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        if (pkg.equals(root)) {
          return SliceIdentifier.of("(" + root + ")");
        }
        if (!pkg.startsWith(root + ".")) {
          return SliceIdentifier.ignore();
        }
        String rest = pkg.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
      }

      @Override
      public String getDescription() {
        return "top-level packages of " + root;
      }
    };
  }
}
