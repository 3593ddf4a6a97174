package io.mvpn.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The project's checkout as the checks see it: its bundle modules and their built output. */
final class SourceTree {

  private SourceTree() {}

  /** The checkout's top folder, handed over by the build (the surefire configuration). */
  static Path root() {
    String root = System.getProperty("mvpn.root");
    if (root == null) {
      throw new IllegalStateException("system property mvpn.root is not set (run through Maven)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** Every module folder under bundles/, by name (mvpn-api, mvpn-net, ...), sorted. */
  static List<Path> bundleModules() {
    try (Stream<Path> dirs = Files.list(root().resolve("bundles"))) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundle modules and the programs outside Karaf (mobile-node/): all main code. */
  static List<Path> sourceModules() {
    return Stream.concat(bundleModules().stream(), Stream.of(root().resolve("mobile-node")))
        .filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
        .toList();
  }

  /** The compiled main classes of every bundle module that has them. */
  static List<Path> classDirs() {
    return bundleModules().stream()
        .map(m -> m.resolve("target/classes"))
        .filter(Files::isDirectory)
        .toList();
  }

  /**
   * A module's packaged bundle, not its test-jar (a module whose tests others share has both); the
   * reactor packages every bundle before this module's tests.
   */
  static Path jar(Path module) {
    try (Stream<Path> files = Files.list(module.resolve("target"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-tests.jar"))
          .filter(f -> f.getFileName().toString().startsWith(module.getFileName() + "-"))
          .findFirst()
          .orElseThrow(() -> missing(module));
    } catch (IOException e) {
      throw missing(module);
    }
  }

  private static IllegalStateException missing(Path module) {
    return new IllegalStateException(
        "no packaged jar in " + module.resolve("target") + ": run `./mvnw verify` from the top");
  }
}
