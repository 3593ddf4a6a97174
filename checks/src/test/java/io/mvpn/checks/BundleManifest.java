package io.mvpn.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * What a built bundle tells the OSGi framework about itself: its name, whether it runs components
 * (a function) or only offers classes (a library), and the packages it exports and imports.
 */
record BundleManifest(
    String module,
    String symbolicName,
    boolean function,
    Set<String> exports,
    Set<String> imports) {

  static BundleManifest read(Path module) {
    try (JarFile jar = new JarFile(SourceTree.jar(module).toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      String name = main.getValue("Bundle-SymbolicName");
      return new BundleManifest(
          module.getFileName().toString(),
          name == null ? "" : name.split(";")[0].trim(),
          main.getValue("Service-Component") != null,
          packages(main.getValue("Export-Package")),
          packages(main.getValue("Import-Package")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The package names of an Export-Package or Import-Package header, without their attributes. */
  static Set<String> packages(String header) {
    Set<String> names = new TreeSet<>();
    if (header == null) {
      return names;
    }
    for (String clause : clauses(header)) {
      String name = clause.split(";")[0].trim();
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /** Splits on commas outside quoted attribute values (a version range holds a comma). */
  private static List<String> clauses(String header) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : header.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }
}
