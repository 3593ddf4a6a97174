package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.testing.ShippedConfiguration;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.packet.mip.AssociationSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What the launcher's process tests share: the installed tree, commands in namespaces, etc/. */
final class LaptopProcesses {

  private static final Path ETC = Path.of("../etc");
  private static final Path MN_HOME = Path.of(System.getProperty("mvpn.mn.home", "target/mvpn-mn"));

  private LaptopProcesses() {}

  /** What a program printed (stdout and stderr) and how it exited. */
  record Result(int exit, String output) {}

  /** A command in a namespace, bounded to 60 s; its output goes through a file in {@code dir}. */
  static Result command(NetnsLab lab, Path dir, String namespace, String... command)
      throws Exception {
    Path output = Files.createTempFile(dir, "out", ".txt");
    Process p = lab.start(namespace, ProcessBuilder.Redirect.to(output.toFile()), command);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + ": no end in 60 s");
    }
    return new Result(p.exitValue(), Files.readString(output));
  }

  /** {@code mvpn-mn VERB --config CONFIG} of the installed tree in a namespace, bounded. */
  static Result mvpnMn(NetnsLab lab, Path dir, String namespace, Path config, String verb)
      throws Exception {
    return command(
        lab,
        dir,
        namespace,
        "env",
        "JAVA_HOME=" + System.getProperty("java.home"),
        "MVPN_MN_JAVA_OPTS=" + System.getProperty("mvpn.mn.javaOpts", ""),
        wrapper(),
        verb,
        "--config",
        config.toString());
  }

  /**
   * {@code mvpn-mn up --config CONFIG} of the installed tree in a namespace, logging to {@code
   * log}; {@code -Dmvpn.mn.javaOpts=...} gives the node's JVM options (a GC log, say).
   */
  static Process up(NetnsLab lab, String namespace, Path config, Path log) throws Exception {
    return lab.start(
        namespace,
        ProcessBuilder.Redirect.to(log.toFile()),
        "env",
        "JAVA_HOME=" + System.getProperty("java.home"),
        "MVPN_MN_JAVA_OPTS=" + System.getProperty("mvpn.mn.javaOpts", ""),
        wrapper(),
        "up",
        "--config",
        config.toString());
  }

  /** Polls a node's status until it exits 0, at most 30 s; the node's log says why not. */
  static Result awaitRegistered(Process node, Path log, Callable<Result> status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Result last = null;
    while (System.nanoTime() < deadline && node.isAlive()) {
      last = status.call();
      if (last.exit() == 0) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not registered: " + last + "; node log: " + Files.readString(log));
  }

  /** The installed wrapper, run with the Java that runs this test. */
  static String wrapper() {
    return MN_HOME.resolve("bin/mvpn-mn").toAbsolutePath().toString();
  }

  static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /**
   * A file of the shipped configuration (etc/), as Karaf's fileinstall reads it, with each {@code
   * keystore:ALIAS} key as the hex the appliance's keystore is created with (the first keys of
   * etc/io.mvpn.keys.cfg), so the test's nodes hold the keys the home agents read.
   */
  static Properties cfg(String file) throws IOException {
    return ShippedConfiguration.cfg(ETC, file);
  }

  private static Properties load(String file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(ETC.resolve(file))) {
      p.load(r);
    }
    return p;
  }

  /** A tenant's home agent as etc/ ships it: its cfg, the tenant's realms, its mobile nodes. */
  static HomeAgentConfig homeAgentConfig(String tenant) throws IOException {
    Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
    return new HomeAgentConfig(
        MvpnId.of(tenant),
        Ipv4Address.parse(ha.getProperty("address")),
        ConfigList.items(cfg("io.mvpn.tenant-" + tenant + ".cfg").getProperty("homeRealms"))
            .stream()
            .map(Prefix::parse)
            .toList(),
        List.of(AssociationSpec.parse(ha.getProperty("mobileNodes"))),
        Integer.parseInt(ha.getProperty("maxLifetime")),
        Integer.parseInt(ha.getProperty("replayTolerance")),
        ha.getProperty("homeInterface"));
  }
}
