package io.mvpn.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The appliance as an operator runs it: the assembly unpacked into a folder of its own and started
 * as a process with {@code bin/karaf server}, its shell reached with {@code bin/client}. Unlike a
 * Pax Exam container it can be stopped and started again over the same data folder.
 */
final class ApplianceProcess implements AutoCloseable {

  /** Off the appliance's 8101 and the Pax Exam containers' ports, so both may run beside it. */
  private static final int SSH_PORT = 18201;

  private final Path home;
  private final Path log;
  private Process karaf;

  private ApplianceProcess(Path home) {
    this.home = home;
    this.log = home.resolveSibling(home.getFileName() + "-console.log");
  }

  /**
   * Unpacks the archive into {@code parent} (emptied first) and moves the SSH and JMX ports; each
   * file in {@code dropFromEtc} is removed from the shipped etc/ before the first start.
   */
  static ApplianceProcess unpack(String archive, Path parent, List<String> dropFromEtc)
      throws IOException, InterruptedException {
    // Absolute: the scripts run with the unpacked folder as their working directory.
    parent = parent.toAbsolutePath();
    deleteTree(parent);
    Files.createDirectories(parent);
    run(parent, "tar", "-xzf", Path.of(archive).toAbsolutePath().toString(), "-C", ".");
    Path home;
    try (Stream<Path> dirs = Files.list(parent)) {
      home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Path etc = home.resolve("etc");
    replace(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + SSH_PORT);
    replace(
        etc.resolve("org.apache.karaf.management.cfg"),
        "rmiRegistryPort = 1099",
        "rmiRegistryPort = 11199");
    replace(
        etc.resolve("org.apache.karaf.management.cfg"),
        "rmiServerPort = 44444",
        "rmiServerPort = 44544");
    for (String name : dropFromEtc) {
      Files.delete(etc.resolve(name));
    }
    return new ApplianceProcess(home);
  }

  /**
   * The built assembly unpacked into {@code target/<folder>} without the demo (whose node is acme's
   * 10.1.0.5, as the tests' host mobile node is).
   */
  static ApplianceProcess withoutDemo(String folder) throws IOException, InterruptedException {
    return unpack(
        System.getProperty("mvpn.assembly.archive"),
        Path.of("target", folder),
        List.of("io.mvpn.demo.cfg"));
  }

  /** Starts {@code bin/karaf server}; its console output goes to a file beside the folder. */
  void start() throws IOException {
    karaf =
        new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Stops Karaf the way {@code bin/stop} does and waits for the process to end. */
  void stop() throws IOException, InterruptedException {
    if (karaf == null) {
      return;
    }
    run(home, home.resolve("bin/stop").toString());
    if (!karaf.waitFor(60, TimeUnit.SECONDS)) {
      karaf.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("Karaf did not stop within 60 s; see " + log);
    }
    karaf = null;
  }

  /** Runs shell commands through {@code bin/client} in batch mode and returns what they print. */
  String shell(String commands) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("bin/client").toString(),
                "-a",
                String.valueOf(SSH_PORT),
                "-h",
                "127.0.0.1",
                "-u",
                "mvpn",
                "-p",
                "mvpn",
                "-r",
                "1",
                "-b")
            .directory(home.toFile())
            .redirectErrorStream(true);
    // As an operator's shell often is: no JAVA_HOME, java on the PATH, which the appliance's
    // bin/setenv then finds without a warning.
    String javaHome = builder.environment().remove("JAVA_HOME");
    if (javaHome != null) {
      builder
          .environment()
          .merge("PATH", javaHome + "/bin", (path, bin) -> bin + java.io.File.pathSeparator + path);
    }
    Process client = builder.start();
    client.getOutputStream().write((commands + "\n").getBytes(StandardCharsets.UTF_8));
    client.getOutputStream().close();
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!client.waitFor(60, TimeUnit.SECONDS)) {
      client.destroyForcibly();
    }
    return out;
  }

  /**
   * Repeats {@code command} until its output satisfies {@code ready} or {@code seconds} pass;
   * returns the last output. The shell and the components come up some seconds after the JVM.
   */
  String awaitShell(String command, Predicate<String> ready, long seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String out = "";
    while (System.nanoTime() < deadline) {
      if (karaf != null && !karaf.isAlive()) {
        throw new AssertionError("Karaf ended (exit " + karaf.exitValue() + "); see " + log);
      }
      out = shell(command);
      if (ready.test(out)) {
        return out;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(command + " not ready in " + seconds + " s; last output:\n" + out);
  }

  Path home() {
    return home;
  }

  /** Writes a new etc/ file, e.g. a function's configuration, before a start. */
  void writeEtc(String file, String content) throws IOException {
    Files.writeString(home.resolve("etc").resolve(file), content, StandardCharsets.UTF_8);
  }

  /**
   * The README's one step for a shipped example, in the running appliance: etc/{@code cfg}.disabled
   * copied to etc/{@code cfg}. Copied beside, then renamed: Felix FileInstall polls etc/ and could
   * read a file still being written, create an empty configuration and save it back over the copy
   * (enableConfigSave), which a loaded machine made happen to the NAPT's.
   */
  void enableExample(String cfg) throws IOException {
    Path etc = home.resolve("etc");
    Path partial = etc.resolve(cfg + ".partial");
    Files.copy(etc.resolve(cfg + ".disabled"), partial, StandardCopyOption.REPLACE_EXISTING);
    Files.move(partial, etc.resolve(cfg), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Edits one setting of a shipped etc/ file before a start. */
  void editEtc(String file, String from, String to) throws IOException {
    replace(home.resolve("etc").resolve(file), from, to);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      stop();
    } finally {
      if (karaf != null) {
        karaf.destroyForcibly();
      }
    }
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    if (!text.contains(from)) {
      throw new IllegalStateException(file + " has no '" + from + "'");
    }
    Files.writeString(file, text.replace(from, to));
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed in " + dir);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(ApplianceProcess::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
