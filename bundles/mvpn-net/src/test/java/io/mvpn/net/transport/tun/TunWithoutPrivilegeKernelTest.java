package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.KernelLab.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Karaf without CAP_NET_ADMIN may do, as docs/operations.md promises: attach to a device
 * provisioned for its user, and nothing else. The probe runs in a JVM whose capability bounding set
 * lacks CAP_NET_ADMIN (setpriv), as the test's own user.
 */
class TunWithoutPrivilegeKernelTest {

  private KernelLab lab;

  @BeforeEach
  void requireKernel() throws Exception {
    KernelLab.requireKernel("setpriv");
    lab = new KernelLab();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aDeviceProvisionedForThisUserOpensWithoutCapNetAdmin() throws Exception {
    String dev = lab.device("u");
    run("ip", "tuntap", "add", "dev", dev, "mode", "tun", "user", System.getProperty("user.name"));

    assertThat(probeWithoutNetAdmin(dev)).isEqualTo("opened created=false");
  }

  @Test
  void aDeviceOfAnotherUserIsNotPermittedWithoutCapNetAdmin() throws Exception {
    String dev = lab.device("o");
    run("ip", "tuntap", "add", "dev", dev, "mode", "tun", "user", "65534");

    assertThat(probeWithoutNetAdmin(dev)).isEqualTo("refused NOT_PERMITTED");
  }

  @Test
  void aMissingDeviceIsNotPermittedWithoutCapNetAdminAndNoneIsMade() throws Exception {
    String dev = lab.device("m");

    assertThat(probeWithoutNetAdmin(dev)).isEqualTo("refused NOT_PERMITTED");
    assertThat(KernelLab.exists(dev)).isFalse();
  }

  private static String probeWithoutNetAdmin(String dev) throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return run(
            "setpriv",
            "--bounding-set",
            "-net_admin",
            java,
            "-cp",
            System.getProperty("java.class.path"),
            TunOpenProbe.class.getName(),
            dev)
        .lines()
        .filter(line -> line.startsWith("opened") || line.startsWith("refused"))
        .findFirst()
        .orElse("no answer");
  }
}
