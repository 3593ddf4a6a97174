package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.junit.jupiter.api.Test;

/**
 * Shell commands never inject a collection of services: Karaf unregisters and registers again every
 * command of a bundle each time such a collection changes, and a command typed in that moment is
 * "not found". They look the services up when they run ({@code io.mvpn.api.shell.ServicesNow}).
 * Read from the compiled bundles, so how a field's type is spelled in the source does not matter.
 */
class ShellCommandReferenceTest {

  private static final String REFERENCE = "org.apache.karaf.shell.api.action.lifecycle.Reference";

  @Test
  void noShellCommandInjectsACollectionOfServices() {
    JavaClasses classes = new ClassFileImporter().importPaths(SourceTree.classDirs());

    Set<String> referencing = new TreeSet<>();
    Set<String> offenders = collectionReferences(classes, referencing);

    assertThat(referencing).as("shell commands with references found").hasSizeGreaterThan(20);
    assertThat(offenders).as("commands with a @Reference collection").isEmpty();
  }

  @Test
  void aReferencedListSetOrCollectionIsFoundHoweverItsTypeIsSpelled() {
    JavaClasses classes = new ClassFileImporter().importClasses(Spellings.class);

    assertThat(collectionReferences(classes, new TreeSet<>()))
        .containsExactlyInAnyOrder(
            "Spellings.imported", "Spellings.qualified", "Spellings.set", "Spellings.collection");
  }

  /**
   * The fields annotated with Karaf's lifecycle {@code @Reference} whose type is a {@link
   * Collection}, as Class.field; every class with such a field at all goes into {@code
   * referencing}.
   */
  private static Set<String> collectionReferences(JavaClasses classes, Set<String> referencing) {
    Set<String> offenders = new TreeSet<>();
    for (JavaClass c : classes) {
      for (JavaField field : c.getFields()) {
        if (!field.isAnnotatedWith(REFERENCE)) {
          continue;
        }
        referencing.add(c.getName());
        if (isCollection(field.getRawType())) {
          offenders.add(c.getSimpleName() + "." + field.getName());
        }
      }
    }
    return offenders;
  }

  /**
   * Whether the type is a {@link Collection}. The importer reads only the bundles' classes, so the
   * JDK's hierarchy of {@code List} or {@code Set} comes from the class path, not from it.
   */
  private static boolean isCollection(JavaClass type) {
    if (type.isPrimitive() || type.isArray()) {
      return false;
    }
    try {
      return Collection.class.isAssignableFrom(
          Class.forName(type.getName(), false, ShellCommandReferenceTest.class.getClassLoader()));
    } catch (ClassNotFoundException e) {
      return type.isAssignableTo(Collection.class);
    }
  }

  /** The ways a reference to many services was written that a look at the source missed. */
  @SuppressWarnings("unused")
  private static final class Spellings {
    @Reference private List<Runnable> imported;
    @Reference java.util.List<Runnable> qualified;
    @Reference Set<Runnable> set;
    @Reference Collection<Runnable> collection;
    @Reference Runnable single;
    Set<Runnable> notReferenced;
  }
}
