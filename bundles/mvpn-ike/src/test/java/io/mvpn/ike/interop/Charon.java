package io.mvpn.ike.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * strongSwan's charon in a network namespace, configured from a temporary directory: its own
 * strongswan.conf (through STRONGSWAN_CONF), its own vici socket and, bind-mounted over /run inside
 * the namespace's private mount namespace, its own pid file, so it never meets another charon. The
 * kernel has no ESP xfrm here, so charon uses its userspace kernel-libipsec plugin.
 */
final class Charon implements AutoCloseable {

  static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
  static final Path SWANCTL = Path.of("/usr/sbin/swanctl");

  /** Plugins for PSK, AES-GCM, ECP/MODP/X25519 (openssl), userspace ESP and vici. */
  private static final String PLUGINS =
      "random nonce openssl gcm aes sha1 sha2 hmac kdf pem pkcs1 x509 revocation constraints pubkey"
          + " kernel-libipsec kernel-netlink socket-default vici updown";

  private final Path dir;
  private final String netns;
  private Process process;

  Charon(Path dir, String netns) {
    this.dir = dir;
    this.netns = netns;
  }

  Path log() {
    return dir.resolve("charon.log");
  }

  String logText() {
    try {
      return Files.exists(log()) ? Files.readString(log()) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Where swanctl.conf is, and so swanctl's credential directories (x509/, x509ca/, x509crl/,
   * private/): what {@code --load-all} loads besides the connections.
   */
  Path swanctlDir() {
    return dir;
  }

  private String uri() {
    return "unix://" + dir.resolve("charon.vici");
  }

  /** Writes strongswan.conf and swanctl.conf and starts charon, waiting for its vici socket. */
  void start(String swanctlConf) throws IOException, InterruptedException {
    start(swanctlConf, List.of());
  }

  /**
   * As {@link #start(String)}, with more settings of the {@code charon} section, one a line (e.g.
   * {@code interfaces_use = eth1}).
   */
  void start(String swanctlConf, List<String> charonSettings)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("run"));
    List<String> settings = new ArrayList<>();
    for (String setting : charonSettings) {
      settings.add("  " + setting);
    }
    String conf =
        String.join(
            "\n",
            "charon {",
            "  load_modular = no",
            "  load = " + PLUGINS,
            "  install_routes = no",
            String.join("\n", settings),
            "  filelog {",
            "    log {",
            "      path = " + log(),
            "      time_format = %T",
            "      time_add_ms = yes",
            "      default = 1",
            "      ike = 2",
            "      enc = 1",
            "      net = 2",
            "      cfg = 2",
            "      chd = 2",
            "      flush_line = yes",
            "    }",
            "  }",
            "  plugins {",
            "    vici {",
            "      socket = " + uri(),
            "    }",
            "  }",
            "}",
            "");
    Files.writeString(dir.resolve("strongswan.conf"), conf);
    Files.writeString(dir.resolve("swanctl.conf"), swanctlConf);
    ProcessBuilder pb =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                netns,
                "sh",
                "-c",
                "mount --bind \"$1\" /run && exec " + CHARON,
                "charon",
                dir.resolve("run").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("charon.out").toFile());
    pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(dir.resolve("charon.vici"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(
            "charon did not come up: " + Files.readString(dir.resolve("charon.out")));
      }
      Thread.sleep(50);
    }
  }

  /**
   * Routes {@code prefix} into kernel-libipsec's TUN device from {@code source}, as charon would
   * with install_routes: what the namespace sends there is matched against the IPsec policies,
   * encrypted and sent in UDP, and what charon decrypts comes out of the same device.
   */
  void routeTunnel(String prefix, String source) throws IOException, InterruptedException {
    NetNamespace.run("ip", "-n", netns, "link", "set", TUN, "up");
    NetNamespace.run("ip", "-n", netns, "route", "add", prefix, "dev", TUN, "src", source);
  }

  /** The TUN device kernel-libipsec opens when charon starts. */
  static final String TUN = "ipsec0";

  /** Runs swanctl against this charon; its output, or an exception on a timeout. */
  Result swanctl(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SWANCTL.toString()));
    command.addAll(List.of(args));
    command.add("--uri");
    command.add(uri());
    if (args[0].equals("--load-all")) {
      command.add("--file");
      command.add(dir.resolve("swanctl.conf").toString());
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IOException("swanctl " + String.join(" ", args) + " timed out");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), UTF_8));
  }

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;

  record Result(int exitCode, String output) {}

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
