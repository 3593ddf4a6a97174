package io.mvpn.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The README's promise, with the appliance run as an operator runs it (the demo on): each example
 * the appliance ships disabled in etc/, copied to its {@code .cfg} name in the running appliance,
 * makes its README command show the example's rows; a misspelt subcommand or a missing argument
 * prints the reason and the usage; and none of it writes an ERROR to karaf.log.
 */
public class ShippedExamplesIT {

  private static final long WAIT_SECONDS = 120;

  /** Needs a TAP device and a bridge (root): not for a test run. */
  private static final String NEEDS_ROOT = "io.mvpn.foreignagent-lan1.cfg.disabled";

  /** README command, then what its output shows once the examples run. */
  private static Map<String, List<String>> readmeCommands() {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("mvpn:sa list", List.of("gw1", "0x00001000", "0x00001001", "10.1.0.5"));
    c.put("mvpn:sa counters", List.of("gw1", "siu_forged"));
    c.put("mvpn:spd", List.of("gw1", "10.1.0.5", "protect"));
    c.put("mvpn:aodv neighbors", List.of("mr1", "mr2"));
    c.put("mvpn:aodv stats", List.of("mr1", "mr2", "acme-gw", "acme-r2", "globex-gw"));
    c.put("mvpn:aodv routes", List.of("mr1", "10.77.0.2", "valid", "acme-gw", "10.1.200.2"));
    c.put("mvpn:workgroups", List.of("bridge"));
    c.put(
        "mvpn:members bridge",
        List.of("alice.acme.wg.mvpn.example", "bob.globex.wg.mvpn.example", "198.51.100.82"));
    c.put("mvpn:filter globex", List.of("198.51.100.81", "10.1.0.5"));
    c.put(
        "mvpn:workgroup-gateways",
        List.of(
            "wgacme (tenant acme) at 198.51.100.81, peers [198.51.100.82]",
            "wgglobex (tenant globex) at 198.51.100.82"));
    c.put("mvpn:dns-lookup bob.globex.wg.mvpn.example acme/10.1.0.5", List.of("NOERROR", "bob"));
    c.put("mvpn:backbone", List.of("tenants [acme, globex]: NAPT bound"));
    c.put("mvpn:ike sas", List.of("ike1 on 127.0.0.1:15500", "roadwarrior"));
    c.put("mvpn:ca list", List.of("CN=wgacme.acme", "CN=ike1.mvpn.example", "valid"));
    c.put("mvpn:keys list", List.of("acme-mn-10.1.0.5", "globex-mn-10.1.0.5", "gw1-siu-acme"));
    return c;
  }

  /** A typo or a missing argument, then the reason and the usage it prints. */
  private static Map<String, List<String>> typos() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("mvpn:sa lsit", List.of("no action 'lsit'", "usage: mvpn:sa list"));
    t.put("mvpn:sa show 0xzz", List.of("not an SPI", "usage: mvpn:sa"));
    t.put("mvpn:aodv foo", List.of("no table 'foo'", "usage: mvpn:aodv routes"));
    t.put("mvpn:ike sass", List.of("no action 'sass'", "usage: mvpn:ike sas"));
    t.put("mvpn:ike terminate xyz", List.of("not an SPI: xyz", "usage: mvpn:ike terminate SPI"));
    t.put("mvpn:ca lst", List.of("no action 'lst'", "usage: mvpn:ca issue CN"));
    t.put("mvpn:keys lsit", List.of("no action 'lsit'", "usage: mvpn:keys list"));
    t.put("mvpn:members", List.of("which workgroup?", "usage: mvpn:members WORKGROUP"));
    t.put("mvpn:filter", List.of("which tenant?", "usage: mvpn:filter TENANT"));
    t.put("mvpn:filter Not_A_Tenant!", List.of("usage: mvpn:filter TENANT"));
    t.put("mvpn:dns-lookup bob", List.of("asked by whom?", "usage: mvpn:dns-lookup NAME"));
    t.put("mvpn:dns-lookup bob acme", List.of("TENANT/ADDRESS", "usage: mvpn:dns-lookup"));
    t.put("mvpn:ping acme", List.of("to which address?", "usage: mvpn:ping"));
    t.put("mvpn:ping acme 10.1.0.256", List.of("usage: mvpn:ping"));
    t.put("mvpn:bindings Not_A_Tenant!", List.of("usage: mvpn:bindings [TENANT]"));
    return t;
  }

  @Test
  public void everyExampleEnabledByCopyingItShowsInItsReadmeCommandAndTyposPrintUsage()
      throws Exception {
    try (ApplianceProcess appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"),
            Path.of("target", "shipped-examples"),
            List.of())) {
      appliance.start();
      appliance.awaitShell("mvpn:tenants", out -> out.contains("globex"), WAIT_SECONDS);

      // The README's one step, into the running appliance: copy each example to its .cfg name.
      Path etc = appliance.home().resolve("etc");
      // The SAM's step before its copy: its service principal and keytab in acme's KDC.
      Path samKeytab = etc.resolve("sam-acme.keytab");
      appliance.awaitShell(
          "mvpn:kdc add kink/sam --keytab " + samKeytab,
          out -> out.contains("keytab /"),
          WAIT_SECONDS);
      assertTrue(samKeytab.toString(), Files.isRegularFile(samKeytab));
      // Inner IPsec's step before its copy: its pre-shared key in the keystore.
      appliance.awaitShell(
          "mvpn:keys add acme-inner --random 256",
          out -> out.contains("stored acme-inner"),
          WAIT_SECONDS);
      List<String> enabled = new ArrayList<>();
      try (Stream<Path> files = Files.list(etc)) {
        for (Path example : files.sorted().toList()) {
          String name = example.getFileName().toString();
          if (name.endsWith(".cfg.disabled") && !name.equals(NEEDS_ROOT)) {
            String cfg = name.substring(0, name.length() - ".disabled".length());
            appliance.enableExample(cfg);
            enabled.add(cfg);
          }
        }
      }
      assertTrue(enabled.toString(), enabled.size() >= 9);

      // AODV routers stay silent until a route is wanted: one ping discovers it and starts Hellos.
      appliance.awaitShell(
          "mvpn:ping mr1 10.77.0.2",
          out -> out.contains(" received") && !out.contains(" 0 received"),
          WAIT_SECONDS);
      // Acme's site: its second router reaches acme's home network through the site's gateway.
      appliance.awaitShell(
          "mvpn:ping acme-r2 10.1.0.1",
          out -> out.contains(" received") && !out.contains(" 0 received"),
          WAIT_SECONDS);
      // The NAPT shows a translation once something went through it.
      appliance.awaitShell(
          "mvpn:ping -c 1 acme 198.51.100.53", out -> out.contains(" 0.0% loss"), WAIT_SECONDS);
      appliance.awaitShell("mvpn:sam stats", out -> out.contains("acme ("), WAIT_SECONDS);
      String napt = appliance.shell("mvpn:napt");
      assertTrue(napt, napt.contains("icmp") && napt.contains("acme"));

      for (Map.Entry<String, List<String>> command : readmeCommands().entrySet()) {
        appliance.awaitShell(
            command.getKey(), out -> command.getValue().stream().allMatch(out::contains), 60);
      }
      for (Map.Entry<String, List<String>> typo : typos().entrySet()) {
        String out = appliance.shell(typo.getKey());
        for (String expected : typo.getValue()) {
          assertTrue(typo.getKey() + " printed:\n" + out, out.contains(expected));
        }
        assertTrue(typo.getKey() + " printed:\n" + out, !out.contains("Exception"));
      }

      List<String> errors =
          Files.readAllLines(appliance.home().resolve("data/log/karaf.log")).stream()
              .filter(l -> l.contains("| ERROR |"))
              .toList();
      assertEquals("ERROR lines in karaf.log", List.of(), errors);
    }
  }
}
