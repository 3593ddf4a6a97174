package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every configuration file the appliance ships in etc/ reaches a component: its name gives a PID
 * (or, with {@code -NAME}, a factory PID) that some bundle's metatype designates, and each example
 * shipped disabled ({@code .cfg.disabled}) sets only attributes that component declares, so
 * enabling one by renaming it cannot fail on a misspelt PID or field.
 */
class ShippedConfigurationTest {

  private static final String EXAMPLE = ".cfg.disabled";

  /** Designated PIDs ("pid:" or "factory:" then the PID) and their attribute ids. */
  private static Map<String, Set<String>> designated;

  @BeforeAll
  static void readMetatypes() {
    designated = new TreeMap<>();
    for (Path module : SourceTree.bundleModules()) {
      try (JarFile jar = new JarFile(SourceTree.jar(module).toFile())) {
        for (JarEntry entry : Collections.list(jar.entries())) {
          if (entry.getName().startsWith("OSGI-INF/metatype/")
              && entry.getName().endsWith(".xml")) {
            try (InputStream in = jar.getInputStream(entry)) {
              readMetatype(in, entry.getName());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void everyShippedFileNamesAPidThatABundleDesignates() {
    List<Path> files = mvpnConfigurations(".cfg");
    files.addAll(mvpnConfigurations(EXAMPLE));
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      assertThat(designated).as(file.getFileName().toString()).containsKey(key(file));
    }
  }

  @Test
  void everyExampleParsesAndSetsOnlyDeclaredAttributes() throws IOException {
    List<Path> examples = mvpnConfigurations(EXAMPLE);
    assertThat(examples).hasSizeGreaterThanOrEqualTo(8);
    for (Path example : examples) {
      Properties settings = new Properties();
      try (Reader in = Files.newBufferedReader(example, StandardCharsets.UTF_8)) {
        settings.load(in);
      }
      assertThat(settings).as(example.getFileName().toString()).isNotEmpty();
      Set<String> declared = designated.getOrDefault(key(example), Set.of());
      assertThat(declared)
          .as(example.getFileName() + " sets attributes its component declares")
          .containsAll(settings.stringPropertyNames());
      // Every setting is explained: a comment line precedes the first one.
      assertThat(Files.readAllLines(example).get(0)).startsWith("#");
    }
  }

  @Test
  void theWorkgroupSetupTheMsmExampleReadsIsShipped() throws IOException {
    Properties msm = new Properties();
    try (Reader in = Files.newBufferedReader(etc().resolve("io.mvpn.msm" + EXAMPLE))) {
      msm.load(in);
    }
    String setup = msm.getProperty("setup").replace("${karaf.etc}", etc().toString());
    assertThat(Path.of(setup)).exists();
    assertThat(Files.readString(Path.of(setup))).contains("bridge", "tokenSha256");
  }

  /** "pid:P" for etc/P.cfg, "factory:F" for etc/F-NAME.cfg, as Felix FileInstall reads them. */
  private static String key(Path file) {
    String name = file.getFileName().toString();
    String pid = name.substring(0, name.indexOf(".cfg"));
    int dash = pid.indexOf('-');
    return dash < 0 ? "pid:" + pid : "factory:" + pid.substring(0, dash);
  }

  private static List<Path> mvpnConfigurations(String suffix) {
    try (Stream<Path> files = Files.list(etc())) {
      return new java.util.ArrayList<>(
          files
              .filter(f -> f.getFileName().toString().startsWith("io.mvpn."))
              .filter(f -> f.getFileName().toString().endsWith(suffix))
              .sorted()
              .toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path etc() {
    return SourceTree.root().resolve("etc");
  }

  private static void readMetatype(InputStream in, String name) throws IOException {
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc = factory.newDocumentBuilder().parse(in);
    } catch (Exception e) {
      throw new IOException(name + ": " + e.getMessage(), e);
    }
    Map<String, Set<String>> attributesByOcd = new TreeMap<>();
    NodeList ocds = doc.getElementsByTagName("OCD");
    for (int i = 0; i < ocds.getLength(); i++) {
      Element ocd = (Element) ocds.item(i);
      Set<String> ids = new TreeSet<>();
      NodeList ads = ocd.getElementsByTagName("AD");
      for (int j = 0; j < ads.getLength(); j++) {
        ids.add(((Element) ads.item(j)).getAttribute("id"));
      }
      attributesByOcd.put(ocd.getAttribute("id"), ids);
    }
    NodeList designates = doc.getElementsByTagName("Designate");
    for (int i = 0; i < designates.getLength(); i++) {
      Element designate = (Element) designates.item(i);
      String factory = designate.getAttribute("factoryPid");
      String key =
          factory.isEmpty() ? "pid:" + designate.getAttribute("pid") : "factory:" + factory;
      Element object = (Element) designate.getElementsByTagName("Object").item(0);
      designated
          .computeIfAbsent(key, k -> new TreeSet<>())
          .addAll(attributesByOcd.getOrDefault(object.getAttribute("ocdref"), Set.of()));
    }
  }
}
