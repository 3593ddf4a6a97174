package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundles keep the boundaries docs/architecture.md draws: each exports exactly the packages the
 * table "Bundles and what they export" lists, is the kind (library or function) it says, and no
 * function imports a package exported by another function: functions reach each other through
 * service interfaces in mvpn-api or a library, so either can be updated in place alone.
 */
class BundleBoundaryTest {

  /** Function-to-function imports that are known and being replaced by services. */
  static final Set<String> BEING_REPLACED =
      Set.of(
          "mvpn-ike -> io.mvpn.ipsec.esp",
          "mvpn-ike -> io.mvpn.ipsec.gateway",
          "mvpn-workgroup -> io.mvpn.ike",
          "mvpn-workgroup -> io.mvpn.ike.fabric",
          "mvpn-workgroup -> io.mvpn.ike.message",
          "mvpn-workgroup -> io.mvpn.ike.pki",
          "mvpn-workgroup -> io.mvpn.ike.sa",
          "mvpn-workgroup -> io.mvpn.ipsec.esp");

  private static List<BundleManifest> bundles;
  private static Map<String, Documented> documented;

  record Documented(String kind, Set<String> exports) {}

  @BeforeAll
  static void read() throws IOException {
    bundles = SourceTree.bundleModules().stream().map(BundleManifest::read).toList();
    documented = documentedBundles();
  }

  @Test
  void everyBundleIsDocumentedWithItsKindAndExports() {
    assertThat(documented.keySet())
        .as("bundles in the architecture table")
        .containsExactlyInAnyOrderElementsOf(bundles.stream().map(BundleManifest::module).toList());
    for (BundleManifest b : bundles) {
      Documented doc = documented.get(b.module());
      assertThat(doc.kind())
          .as("%s: kind (a function runs DS components, a library does not)", b.module())
          .isEqualTo(b.function() ? "function" : "library");
      assertThat(b.exports())
          .as("%s: exported packages", b.module())
          .containsExactlyInAnyOrderElementsOf(doc.exports());
    }
  }

  @Test
  void noFunctionImportsAnotherFunctionsPackages() {
    Map<String, String> exportedByFunction = new LinkedHashMap<>();
    for (BundleManifest b : bundles) {
      if (b.function()) {
        b.exports().forEach(p -> exportedByFunction.put(p, b.module()));
      }
    }
    Set<String> crossings = new TreeSet<>();
    for (BundleManifest b : bundles) {
      if (!b.function()) {
        continue;
      }
      for (String p : b.imports()) {
        String owner = exportedByFunction.get(p);
        if (owner != null && !owner.equals(b.module())) {
          crossings.add(b.module() + " -> " + p);
        }
      }
    }
    assertThat(crossings)
        .as("function bundles importing another function's packages")
        .containsExactlyInAnyOrderElementsOf(BEING_REPLACED);
  }

  private static final Pattern ROW =
      Pattern.compile(
          "^\\|\\s*`?(mvpn-[a-z0-9-]+)`?\\s*\\|\\s*(library|function)\\s*\\|(.*)\\|\\s*$");
  private static final Pattern PACKAGE = Pattern.compile("`(io\\.mvpn[a-z0-9.]*)`");

  /** The rows of the table under the heading "Bundles and what they export". */
  static Map<String, Documented> documentedBundles() throws IOException {
    List<String> lines = Files.readAllLines(SourceTree.root().resolve("docs/architecture.md"));
    Map<String, Documented> rows = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Bundles and what they export");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.matches()) {
        Set<String> exports = new TreeSet<>();
        Matcher p = PACKAGE.matcher(row.group(3));
        while (p.find()) {
          exports.add(p.group(1));
        }
        rows.put(row.group(1), new Documented(row.group(2), exports));
      }
    }
    return rows;
  }
}
