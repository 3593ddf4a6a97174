package io.mvpn.sam.kdc;

import static io.mvpn.api.testing.Requirements.require;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An MIT krb5kdc (Debian krb5-kdc, with krb5-admin-server's kadmin.local) in a directory of its
 * own: its kdc.conf, krb5.conf, database and log, a loopback high port for TCP and UDP, and nothing
 * of the host's Kerberos setup touched. Keys are AES with SHA-1 (RFC 3962) only, as mvpn's KDC
 * makes them.
 */
public final class MitKdc implements AutoCloseable {

  private static final Path KRB5KDC = Path.of("/usr/sbin/krb5kdc");
  private static final Path KDB5_UTIL = Path.of("/usr/sbin/kdb5_util");
  private static final Path KADMIN_LOCAL = Path.of("/usr/sbin/kadmin.local");

  private final Path dir;
  private final String realm;
  private final InetSocketAddress address;
  private final Process process;

  private MitKdc(Path dir, String realm, InetSocketAddress address, Process process) {
    this.dir = dir;
    this.realm = realm;
    this.address = address;
    this.process = process;
  }

  /** Makes the realm's database and starts its KDC; returns once it accepts connections. */
  public static MitKdc start(Path dir, String realm) throws Exception {
    require(
        Files.isExecutable(KRB5KDC)
            && Files.isExecutable(KDB5_UTIL)
            && Files.isExecutable(KADMIN_LOCAL),
        "MIT's krb5kdc, kdb5_util and kadmin.local (Debian krb5-kdc and krb5-admin-server;"
            + " .ci/run installs them)");
    Files.createDirectories(dir);
    InetSocketAddress address = MitClient.freeLoopbackPort();
    int port = address.getPort();
    Files.writeString(
        dir.resolve("kdc.conf"),
        String.join(
            "\n",
            "[kdcdefaults]",
            "  kdc_ports = " + port,
            "  kdc_tcp_ports = " + port,
            "[realms]",
            "  " + realm + " = {",
            "    database_name = " + dir.resolve("principal"),
            "    key_stash_file = " + dir.resolve("stash"),
            "    acl_file = " + dir.resolve("kadm5.acl"),
            "    max_life = 1d",
            "    master_key_type = aes256-cts-hmac-sha1-96",
            "    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal",
            "  }",
            "[logging]",
            "  kdc = FILE:" + dir.resolve("kdc.log"),
            ""));
    Files.writeString(
        dir.resolve("krb5.conf"),
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + realm,
            "  kdc_realm = " + realm,
            "  dns_lookup_kdc = false",
            "  dns_lookup_realm = false",
            "  udp_preference_limit = 1",
            "  kdc_tcp_port = " + port,
            "  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96",
            "[realms]",
            "  " + realm + " = {",
            "    kdc = 127.0.0.1:" + port,
            "  }",
            ""));
    Files.writeString(dir.resolve("kadm5.acl"), "");
    byte[] master = new byte[24];
    new SecureRandom().nextBytes(master);
    run(
        dir,
        List.of(
            KDB5_UTIL.toString(),
            "-r",
            realm,
            "create",
            "-s",
            "-P",
            HexFormat.of().formatHex(master)));
    Process process =
        builder(dir, List.of(KRB5KDC.toString(), "-n", "-r", realm))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("krb5kdc.out").toFile())
            .start();
    MitKdc kdc = new MitKdc(dir, realm, address, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket probe = new Socket(address.getAddress(), port)) {
        return kdc;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          kdc.close();
          throw new IOException(
              "krb5kdc did not start: " + Files.readString(dir.resolve("krb5kdc.out")));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  public String realm() {
    return realm;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The directory holding the krb5.conf that names this KDC (what Kerby's client reads). */
  public File clientConfigDir() {
    return dir.toFile();
  }

  /** A service principal with random keys, written to {@code keytab} (kadmin.local's ktadd). */
  public void addServicePrincipal(String principal, Path keytab) throws Exception {
    run(dir, List.of(KADMIN_LOCAL.toString(), "-r", realm, "-q", "addprinc -randkey " + principal));
    run(
        dir,
        List.of(
            KADMIN_LOCAL.toString(), "-r", realm, "-q", "ktadd -k " + keytab + " " + principal));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ProcessBuilder builder(Path dir, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KRB5_CONFIG", dir.resolve("krb5.conf").toString());
    builder.environment().put("KRB5_KDC_PROFILE", dir.resolve("kdc.conf").toString());
    return builder;
  }

  private static void run(Path dir, List<String> command) throws Exception {
    Process p = builder(dir, command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
