package io.mvpn.mn.compare;

import io.mvpn.homeagent.NetnsLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One strongSwan charon in one namespace with its own directory: strongswan.conf (through
 * STRONGSWAN_CONF), vici socket, log, and a private /run (bind-mounted inside the namespace's mount
 * namespace) for its pid file, so two of them on one host never meet. No ESP in this kernel:
 * charon's kernel-libipsec does ESP in userspace behind its TUN device {@link #TUN}.
 */
final class CharonInNamespace implements AutoCloseable {

  static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
  static final Path SWANCTL = Path.of("/usr/sbin/swanctl");
  static final String TUN = "ipsec0";

  private final NetnsLab lab;
  private final String namespace;
  private final Path dir;
  private Process daemon;

  CharonInNamespace(NetnsLab lab, String namespace, Path dir) {
    this.lab = lab;
    this.namespace = namespace;
    this.dir = dir;
  }

  String log() {
    try {
      Path log = dir.resolve("charon.log");
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Writes the configuration ({@code extra}: more lines of the charon section), starts charon,
   * waits (bounded) for its vici socket and loads {@code swanctlConf}.
   */
  void start(String swanctlConf, String extra) throws Exception {
    Files.createDirectories(dir.resolve("run"));
    Files.writeString(
        dir.resolve("strongswan.conf"),
        """
        charon {
          load_modular = no
          load = random nonce openssl gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink \
        socket-default vici
          install_routes = no
          %s
          filelog {
            main {
              path = %s
              time_format = %%T
              time_add_ms = yes
              default = 1
              ike = 2
              net = 2
              knl = 1
              flush_line = yes
            }
          }
          plugins {
            vici {
              socket = %s
            }
          }
        }
        """
            .formatted(extra, dir.resolve("charon.log"), vici()));
    Files.writeString(dir.resolve("swanctl.conf"), swanctlConf);
    daemon =
        lab.start(
            namespace,
            ProcessBuilder.Redirect.to(dir.resolve("charon.out").toFile()),
            "env",
            "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"),
            "sh",
            "-c",
            "mount --bind \"$0\" /run && exec " + CHARON,
            dir.resolve("run").toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Path socket = dir.resolve("charon.vici");
    while (!Files.exists(socket) && daemon.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (!Files.exists(socket)) {
      throw new AssertionError(
          "charon did not start: " + Files.readString(dir.resolve("charon.out")));
    }
    String loaded = swanctl("--load-all", "--file", dir.resolve("swanctl.conf").toString());
    if (!loaded.contains("successfully loaded 1 connections")) {
      throw new AssertionError("swanctl --load-all: " + loaded);
    }
  }

  private String vici() {
    return "unix://" + dir.resolve("charon.vici");
  }

  /** Routes {@code prefix} into kernel-libipsec's TUN device, from {@code source} if given. */
  void routeIntoTunnel(String prefix, String source) throws Exception {
    lab.in(namespace, "ip", "link", "set", TUN, "up");
    List<String> route = new ArrayList<>(List.of("ip", "route", "add", prefix, "dev", TUN));
    if (source != null) {
      route.addAll(List.of("src", source));
    }
    lab.in(namespace, route.toArray(String[]::new));
  }

  /** swanctl against this charon (bounded at 30 s); its output, or an error naming it. */
  String swanctl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(SWANCTL.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--uri", vici()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("swanctl " + String.join(" ", args) + " did not end: " + log());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError("swanctl " + String.join(" ", args) + ": " + out + "\n" + log());
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroy();
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
