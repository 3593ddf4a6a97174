package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every shell command argument or option that names a tenant completes the tenants configured now
 * (the shared {@code io.mvpn.api.shell.TenantCompleter}), and every one that names a VRF completes
 * the VRFs, whose names are the tenants' ids and {@code public}. Read from the compiled bundles, so
 * a new command in any bundle is held to it without a test of its own.
 */
class ShellTenantCompletionTest {

  private static final String COMMAND = "org.apache.karaf.shell.api.action.Command";
  private static final String ARGUMENT = "org.apache.karaf.shell.api.action.Argument";
  private static final String OPTION = "org.apache.karaf.shell.api.action.Option";
  private static final String COMPLETION = "org.apache.karaf.shell.api.action.Completion";

  private static final String TENANT_COMPLETER = "io.mvpn.api.shell.TenantCompleter";

  /** What each kind of name must complete with; a VRF is a tenant's or the public one. */
  private static final Map<String, Set<String>> COMPLETERS =
      Map.of(
          "tenant", Set.of(TENANT_COMPLETER),
          "vrf", Set.of("io.mvpn.fabric.shell.VrfCompleter"));

  @Test
  void everyArgumentOrOptionNamingATenantOrVrfCompletesIt() {
    List<Path> classDirs = SourceTree.classDirs();
    JavaClasses classes = new ClassFileImporter().importPaths(classDirs);

    Map<String, String> found = new TreeMap<>();
    Map<String, String> wrong = new TreeMap<>();
    for (JavaClass command : classes) {
      if (!command.isAnnotatedWith(COMMAND)) {
        continue;
      }
      for (JavaField field : command.getAllFields()) {
        String kind = kind(field);
        if (kind == null) {
          continue;
        }
        String where = command.getSimpleName() + "." + field.getName();
        String completer = completer(field).orElse("none");
        found.put(where, completer);
        if (!COMPLETERS.get(kind).contains(completer)) {
          wrong.put(where, completer + " (wants " + COMPLETERS.get(kind) + ")");
        }
      }
    }
    assertThat(found)
        .as("tenant arguments found (the scan sees the commands)")
        .containsKeys("BindingsCommand.tenant", "FilterCommand.tenant", "SamCommand.tenant");
    assertThat(wrong).as("tenant or VRF arguments without their completer").isEmpty();
  }

  /** "tenant" or "vrf" when the field is an argument or option of that name, else null. */
  private static String kind(JavaField field) {
    for (String type : List.of(ARGUMENT, OPTION)) {
      Optional<? extends JavaAnnotation<?>> annotation = field.tryGetAnnotationOfType(type);
      if (annotation.isPresent()) {
        String name = String.valueOf(annotation.get().get("name").orElse(field.getName()));
        String bare = name.replaceFirst("^-+", "").toLowerCase(java.util.Locale.ROOT);
        return COMPLETERS.containsKey(bare) ? bare : null;
      }
    }
    return null;
  }

  private static Optional<String> completer(JavaField field) {
    return field
        .tryGetAnnotationOfType(COMPLETION)
        .flatMap(c -> c.get("value"))
        .map(v -> v instanceof JavaClass c ? c.getFullName() : String.valueOf(v));
  }
}
