package io.mvpn.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;
import org.junit.Test;

/**
 * The appliance as an operator runs it, with a VRF interface on a Linux TUN device written into
 * {@code etc/} as any other interface: the container creates the device (it runs as root here), the
 * Linux kernel on the other side pings the VRF and the VRF pings the kernel back from the shell,
 * and the device goes when the container stops. Needs root and iproute2: missing under CI=true it
 * fails.
 */
public class TunInterfaceIT {

  private static final long WAIT_SECONDS = 90;

  /** Unique per run, so a device left by a killed run never collides (at most 15 characters). */
  private static final String DEVICE = "mvit" + (ProcessHandle.current().pid() % 100000);

  private static final String VRF_ADDRESS = "10.202.0.2";
  private static final String KERNEL_ADDRESS = "10.202.0.1";

  @Test
  public void aPublicInterfaceOnATunDeviceAnswersTheKernelAndGoesWithTheContainer()
      throws Exception {
    requireRootAndIp();
    try (ApplianceProcess appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"),
            Path.of("target/tun"),
            List.of("io.mvpn.demo.cfg"))) {
      appliance.writeEtc(
          "io.mvpn.interface-tunit.cfg",
          "name = tunit\nvrf = public\naddress = "
              + VRF_ADDRESS
              + "/24\ntransport = tun:"
              + DEVICE
              + ",mtu=1400\n");
      appliance.start();
      String interfaces =
          appliance.awaitShell(
              "mvpn:interfaces", out -> out.contains("tun:" + DEVICE), WAIT_SECONDS);
      assertTrue(interfaces, interfaces.contains("tunit") && interfaces.contains("1400"));

      run("ip", "addr", "add", KERNEL_ADDRESS + "/24", "dev", DEVICE);
      String ping = run("ping", "-c", "3", "-W", "2", VRF_ADDRESS);
      assertTrue(ping, ping.contains("3 received"));
      String back = appliance.shell("mvpn:ping -c 3 public " + KERNEL_ADDRESS);
      assertTrue(back, back.contains("3 received") && back.contains(" 0.0% loss"));

      appliance.stop();
      assertFalse(
          "the device the container made goes with it",
          run("ip", "-br", "link").contains(DEVICE + " "));
    } finally {
      runQuietly("ip", "link", "del", DEVICE);
    }
  }

  private static void requireRootAndIp() throws Exception {
    boolean root = run("id", "-u").trim().equals("0");
    boolean ip =
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"));
    boolean tun = Files.exists(Path.of("/dev/net/tun"));
    if (root && ip && tun) {
      return;
    }
    String missing = (root ? "" : "root ") + (ip ? "" : "iproute2 ") + (tun ? "" : "/dev/net/tun");
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("TunInterfaceIT needs " + missing.trim() + " under CI=true");
    }
    Assume.assumeTrue("needs " + missing.trim(), false);
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end");
    }
    return out;
  }

  private static void runQuietly(String... command) {
    try {
      run(command);
    } catch (Exception e) {
      // Nothing to remove: the container removed its device.
    }
  }
}
