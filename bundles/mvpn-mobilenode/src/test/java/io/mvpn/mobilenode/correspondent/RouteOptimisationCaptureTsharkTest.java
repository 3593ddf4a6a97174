package io.mvpn.mobilenode.correspondent;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route optimisation exchange captured at the correspondent's two interfaces (the update
 * arriving from the home LAN, the acknowledge and the direct datagrams leaving by the uplink), read
 * by tshark: zero malformed packets, the binding update on port 434, the direct datagrams as IP in
 * IP from the uplink to the care-of address.
 */
class RouteOptimisationCaptureTsharkTest {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  @TempDir Path tmp;

  @Test
  void tsharkReadsTheBindingExchangeAndTheDirectTunnelWithoutMalformedPackets() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    Path lan = tmp.resolve("cn-lan.pcapng");
    Path wan = tmp.resolve("cn-wan.pcapng");
    RouteOptimisationScenarioTest.Run run = new RouteOptimisationScenarioTest.Run();
    try {
      run.lab.iface("cn", "lan").startCapture(lan, 0);
      run.lab.iface("cn", "wan").startCapture(wan, 0);
      run.send(1);
      run.lab.advance(1, TimeUnit.SECONDS);
      for (int i = 2; i <= 4; i++) {
        run.send(i);
      }
      run.lab.iface("cn", "lan").stopCapture();
      run.lab.iface("cn", "wan").stopCapture();
    } finally {
      run.lab.close();
    }
    assertThat(run.correspondent.accepted()).isEqualTo(1);

    for (Path file : List.of(lan, wan)) {
      assertThat(tshark(file, "-V")).as(file.getFileName().toString()).doesNotContain("Malformed");
    }
    // tshark 4.0 walks a type-255 message as an extension chain (a broken one is "Malformed")
    // but shows no fields of it, so the payload itself is checked: type 255, 22, update, A|I.
    List<String> binding =
        tshark(lan, "-Y", "udp.port == 434", "-T", "fields", "-e", "ip.src", "-e", "udp.payload");
    assertThat(binding).as("the update from the home address").hasSize(1);
    assertThat(binding.get(0)).startsWith("10.1.0.5\tff1603c0");
    List<String> direct =
        tshark(
            wan,
            "-Y",
            "ip.proto == 4",
            "-T",
            "fields",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
            "-e",
            "udp.dstport");
    assertThat(direct)
        .as("the acknowledge and three datagrams, tunnelled straight to the care-of address")
        .containsExactly(
            "203.0.113.50,10.1.0.101\t203.0.113.61,10.1.0.5\t434",
            "203.0.113.50,10.1.0.101\t203.0.113.61,10.1.0.5\t7000",
            "203.0.113.50,10.1.0.101\t203.0.113.61,10.1.0.5\t7000",
            "203.0.113.50,10.1.0.101\t203.0.113.61,10.1.0.5\t7000");
  }

  private static List<String> tshark(Path file, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
    return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
  }
}
