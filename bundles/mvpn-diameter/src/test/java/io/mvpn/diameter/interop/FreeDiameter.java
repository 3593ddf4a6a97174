package io.mvpn.diameter.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A freeDiameterd process on loopback, plain TCP, from a configuration the test writes. */
final class FreeDiameter implements AutoCloseable {

  static final Path DAEMON = Path.of("/usr/bin/freeDiameterd");
  static final Path EXTENSIONS = Path.of("/usr/lib/freeDiameter");

  private final Process process;
  final Path log;

  private FreeDiameter(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static boolean installed() {
    return Files.isExecutable(DAEMON) && Files.isReadable(EXTENSIONS.resolve("acl_wl.fdx"));
  }

  /**
   * Starts freeDiameterd as {@code identity} in realm {@code realm} on {@code port}, with {@code
   * extra} lines (ConnectPeer, extensions) appended to the minimal plain-TCP configuration.
   */
  static FreeDiameter start(Path dir, String identity, String realm, int port, String extra)
      throws IOException {
    Path conf = dir.resolve(identity + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "Identity = \"" + identity + "\";",
            "Realm = \"" + realm + "\";",
            "Port = " + port + ";",
            extra.contains("SecPort") ? "" : "SecPort = 0;",
            "No_SCTP;",
            "No_IPv6;",
            "ListenOn = \"127.0.0.1\";",
            "TwTimer = 6;",
            "TcTimer = 6;",
            "LoadExtension = \"dict_nasreq.fdx\";",
            extra,
            ""),
        StandardCharsets.UTF_8);
    Path log = dir.resolve(identity + ".log");
    Process p =
        new ProcessBuilder(DAEMON.toString(), "-dd", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new FreeDiameter(p, log);
  }

  /** The daemon's log so far, for failure messages. */
  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM: freeDiameter disconnects its peers with DPR, then exits. */
  void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
    }
  }
}
