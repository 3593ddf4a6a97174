package io.mvpn.itests;

import static io.mvpn.api.testing.Requirements.require;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The appliance's KDC for tenant acme's realm, started from the shipped etc/io.mvpn.kdc-acme.cfg
 * inside Karaf: principals added from the shell, MIT's kinit and kvno get tickets from it, and
 * after a restart of the container the same password and the same service keytab still work.
 */
public class KdcIT {

  private static final long WAIT_SECONDS = 90;
  private static final String REALM = "ACME.MVPN.TEST";
  private static final int PORT = 10188;
  private static final String SERVICE = "kink/ha1.acme.mvpn.test@" + REALM;

  @Test
  public void mitClientsGetTicketsFromTheAppliancesKdcBeforeAndAfterARestart() throws Exception {
    require(
        Files.isExecutable(Path.of("/usr/bin/kinit")),
        "MIT Kerberos clients (Debian krb5-user; .ci/run installs it)");
    try (ApplianceProcess appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"), Path.of("target/kdc"), List.of())) {
      appliance.editEtc("io.mvpn.kdc-acme.cfg", "127.0.0.1:10088", "127.0.0.1:" + PORT);
      Path client = appliance.home().resolveSibling("kdc-client");
      Files.createDirectories(client);
      Path keytab = client.resolve("ha1.keytab");
      Files.writeString(client.resolve("krb5.conf"), krb5Conf(), StandardCharsets.UTF_8);

      appliance.start();
      appliance.awaitShell(
          "mvpn:kdc principals", out -> out.contains("krbtgt/" + REALM), WAIT_SECONDS);
      String added =
          appliance.shell(
              "mvpn:kdc add alice --password Correct-Horse-7\n"
                  + "mvpn:kdc add kink/ha1.acme.mvpn.test --keytab "
                  + keytab);
      assertTrue(added, added.contains("added kink/ha1.acme.mvpn.test to " + REALM));
      assertTrue("keytab written: " + added, Files.isRegularFile(keytab));

      String login = mit(client, "Correct-Horse-7\n", "kinit", "alice@" + REALM);
      assertTrue(login, login.startsWith("exit 0"));
      String service = mit(client, "", "kvno", SERVICE);
      assertTrue(service, service.contains(SERVICE + ": kvno = 1"));
      String tickets = mit(client, "", "klist", "-e");
      assertTrue(tickets, tickets.contains("aes256-cts-hmac-sha1-96"));

      appliance.stop();
      Path kept = appliance.home().resolve("data/kdc/" + REALM + "/principals.keytab");
      assertTrue("principals kept in " + kept, Files.isRegularFile(kept));
      appliance.start();
      appliance.awaitShell("mvpn:kdc principals", out -> out.contains(SERVICE), WAIT_SECONDS);

      String again = mit(client, "Correct-Horse-7\n", "kinit", "alice@" + REALM);
      assertTrue(again, again.startsWith("exit 0"));
      String fromKeytab = mit(client, "", "kinit", "-k", "-t", keytab.toString(), SERVICE);
      assertEquals(fromKeytab, "exit 0", fromKeytab.lines().findFirst().orElse(""));
    }
  }

  private static String krb5Conf() {
    return String.join(
        "\n",
        "[libdefaults]",
        "  default_realm = " + REALM,
        "  dns_lookup_kdc = false",
        "  rdns = false",
        "  udp_preference_limit = 1",
        "[realms]",
        "  " + REALM + " = {",
        "    kdc = 127.0.0.1:" + PORT,
        "  }",
        "");
  }

  /** Runs an MIT client with this test's krb5.conf and ticket cache: "exit N" then its output. */
  private static String mit(Path dir, String stdin, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KRB5_CONFIG", dir.resolve("krb5.conf").toString());
    builder.environment().put("KRB5CCNAME", "FILE:" + dir.resolve("ccache"));
    Process p = builder.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timeout " + String.join(" ", command);
    }
    return "exit " + p.exitValue() + "\n" + out;
  }
}
