package io.mvpn.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Assume;
import org.junit.Test;

/**
 * The real-network demo as an operator runs it, non-interactively: {@code
 * scripts/real-network-demo.sh --duration 20} on the built assembly. The appliance's tenant LANs
 * are TUN devices into site namespaces whose kernels answer the roaming nodes' pings; the script's
 * summary must say that each site's host answered its own tenant's node and saw no echo request of
 * another tenant's, that the home agents answered from the access network on the public TUN, and
 * nothing of what it made may be left. Needs root, ip, nft, ping and /dev/net/tun (missing under
 * CI=true it fails); run under {@code flock /tmp/mvpn-netns.lock}.
 */
public class RealNetworkDemoIT {

  private static final Path SCRIPT = Path.of("../scripts/real-network-demo.sh");
  private static final Pattern SITE =
      Pattern.compile(
          "(?m)^site (\\w+): host 10\\.1\\.0\\.100 answered (\\d+) echo requests; from \\1's node"
              + " (\\d+), from other tenants' nodes (\\d+)$");

  @Test
  public void bothSitesRealHostsAnswerTheirOwnRoamingNodeAndNothingCrossesTenants()
      throws Exception {
    requireRootAndTools();
    Path output = Files.createTempFile("real-network-demo", ".log");
    Process script =
        new ProcessBuilder(
                "bash",
                SCRIPT.toString(),
                "--duration",
                "20",
                "--archive",
                System.getProperty("mvpn.assembly.archive"))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    script.getOutputStream().close();
    if (!script.waitFor(300, TimeUnit.SECONDS)) {
      // SIGTERM: the script's trap still removes what it made.
      script.destroy();
      script.waitFor(90, TimeUnit.SECONDS);
      throw new AssertionError("the demo did not end in 300 s:\n" + Files.readString(output));
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    Files.delete(output);
    assertEquals(out, 0, script.exitValue());

    List<String> sites = new ArrayList<>();
    Matcher m = SITE.matcher(out);
    while (m.find()) {
      sites.add(m.group(1));
      // Pinging every 100 ms for 20 s: far more than a handful each, all from its own tenant.
      assertTrue(out, Long.parseLong(m.group(2)) > 50);
      assertTrue(out, Long.parseLong(m.group(3)) > 50);
      assertEquals(out, "0", m.group(4));
    }
    assertEquals(out, List.of("acme", "globex"), sites);
    assertTrue(out, out.contains("access: home agent 198.51.100.10 answered"));
    assertTrue(out, out.contains("access: home agent 198.51.100.20 answered"));
    assertTrue(out, out.contains("tun:mvdemo-acme,mtu=1400"));
    assertTrue(out, out.contains("result: both sites' hosts answered"));

    // Its namespaces, devices and Karaf are gone.
    String namespaces = run("ip", "netns", "list");
    String links = run("ip", "-br", "link");
    assertTrue(namespaces, !namespaces.contains("mvdemo-"));
    assertTrue(links, !links.contains("mvdemo-"));
  }

  private static void requireRootAndTools() throws Exception {
    List<String> missing = new ArrayList<>();
    if (!run("id", "-u").trim().equals("0")) {
      missing.add("root");
    }
    for (String tool : List.of("ip", "nft", "ping")) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      missing.add("/dev/net/tun");
    }
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("RealNetworkDemoIT needs " + missing + " under CI=true");
    }
    Assume.assumeTrue("needs " + missing, false);
  }

  private static boolean onPath(String tool) {
    for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end");
    }
    return out;
  }
}
