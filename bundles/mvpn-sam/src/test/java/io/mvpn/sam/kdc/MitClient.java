package io.mvpn.sam.kdc;

import static io.mvpn.api.testing.Requirements.require;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * MIT Kerberos's command-line client (Debian krb5-user) pointed at one KDC through a krb5.conf of
 * its own and a ticket cache of its own, so tests never touch the host's Kerberos setup.
 */
public final class MitClient {

  /** What a command printed (stdout and stderr together, with KRB5_TRACE) and its exit code. */
  public record Result(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  private final Path config;
  private final Path cache;

  /** A client of {@code realm} at {@code kdc}; {@code tcp} makes it skip UDP. */
  public MitClient(Path dir, String realm, InetSocketAddress kdc, boolean tcp) throws IOException {
    require(
        Files.isExecutable(Path.of("/usr/bin/kinit"))
            && Files.isExecutable(Path.of("/usr/bin/kvno")),
        "MIT Kerberos clients are not installed (Debian krb5-user; .ci/run installs it)");
    Files.createDirectories(dir);
    this.config = dir.resolve("krb5.conf");
    this.cache = dir.resolve("ccache");
    String address = kdc.getAddress().getHostAddress() + ":" + kdc.getPort();
    Files.writeString(
        config,
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + realm,
            "  dns_lookup_kdc = false",
            "  dns_lookup_realm = false",
            "  rdns = false",
            "  udp_preference_limit = " + (tcp ? "1" : "1465"),
            "[realms]",
            "  " + realm + " = {",
            "    kdc = " + address,
            "  }",
            ""));
  }

  /** kinit with the password typed on stdin. */
  public Result kinit(String principal, String password) throws Exception {
    return run(password + "\n", "/usr/bin/kinit", principal);
  }

  /** kinit from a keytab, as a service does. */
  public Result kinitFromKeytab(String principal, Path keytab) throws Exception {
    return run("", "/usr/bin/kinit", "-k", "-t", keytab.toString(), principal);
  }

  /** kvno: a service ticket for {@code principal} through the cached TGT. */
  public Result kvno(String principal) throws Exception {
    return run("", "/usr/bin/kvno", principal);
  }

  /** klist -e: the cached tickets with their encryption types. */
  public Result klist() throws Exception {
    return run("", "/usr/bin/klist", "-e");
  }

  private Result run(String stdin, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    builder.environment().put("KRB5_CONFIG", config.toString());
    builder.environment().put("KRB5CCNAME", "FILE:" + cache);
    builder.environment().put("KRB5_TRACE", "/dev/stdout");
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, String.join(" ", command) + " did not finish within 30 s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), out);
  }

  /** A loopback port free for both TCP and UDP at the time of asking. */
  public static InetSocketAddress freeLoopbackPort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<ServerSocket> tried = new ArrayList<>();
    try {
      for (int attempt = 0; attempt < 20; attempt++) {
        ServerSocket tcp = new ServerSocket(0, 1, loopback);
        tried.add(tcp);
        try (DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), loopback)) {
          return new InetSocketAddress(loopback, udp.getLocalPort());
        } catch (IOException udpTaken) {
          // Try another: this one's UDP twin is in use.
        }
      }
      throw new IOException("no loopback port free for both TCP and UDP");
    } finally {
      for (ServerSocket s : tried) {
        s.close();
      }
    }
  }
}
