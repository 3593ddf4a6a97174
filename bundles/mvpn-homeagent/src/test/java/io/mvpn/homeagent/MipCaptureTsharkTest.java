package io.mvpn.homeagent;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registration and a tunnelled ping captured at the appliance's public interface, read by
 * tshark's mip dissector: no malformed packet and every field as sent.
 */
class MipCaptureTsharkTest {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  @TempDir Path tmp;

  @Test
  void tsharksMobileIpDissectorReadsOurRegistrationsAndTunnels() throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    Path pcap = tmp.resolve("public.pcapng");
    try (TwoTenants lab = new TwoTenants()) {
      TestMobileNode mn = lab.acmeNode();
      lab.lab.iface("appliance", "pub0").startCapture(pcap, 0);
      lab.lab.time().advance(10, TimeUnit.SECONDS);
      mn.register(300);
      lab.run();
      mn.pingHomeHost(1);
      lab.run();
      lab.lab.iface("appliance", "pub0").stopCapture();
    }
    List<String> rows =
        tshark(
            pcap,
            "-Y",
            "mip",
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "mip.type",
            "-e",
            "mip.flags",
            "-e",
            "mip.code",
            "-e",
            "mip.life",
            "-e",
            "mip.homeaddr",
            "-e",
            "mip.haaddr",
            "-e",
            "mip.coa",
            "-e",
            "mip.ext.type",
            "-e",
            "mip.auth.spi",
            "-e",
            "mip.ident");
    assertThat(rows).hasSize(2);
    String[] request = rows.get(0).split("\\|", -1);
    String[] reply = rows.get(1).split("\\|", -1);
    assertThat(request[0]).isEqualTo("1");
    assertThat(request[1]).isEqualTo("0x22");
    assertThat(request[3]).isEqualTo("300");
    assertThat(request[4]).isEqualTo("10.1.0.5");
    assertThat(request[5]).isEqualTo("198.51.100.10");
    assertThat(request[6]).isEqualTo("203.0.113.51");
    assertThat(request[7]).isEqualTo("32");
    assertThat(request[8]).isEqualTo("0x000003e8");
    assertThat(reply[0]).isEqualTo("3");
    assertThat(reply[2]).isEqualTo("0");
    assertThat(reply[3]).isEqualTo("300");
    assertThat(reply[7]).isEqualTo("32");
    assertThat(reply[9]).isEqualTo(request[9]);
    // tshark reads the identification as the NTP timestamp it is: 10 s of virtual time.
    assertThat(request[9]).startsWith("Jan  1, 1970 00:00:10");

    // The tunnelled ping both ways: IP in IP with the home addresses inside.
    assertThat(
            tshark(
                pcap,
                "-Y",
                "ip.proto == 4",
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-e",
                "ip.src",
                "-e",
                "ip.dst"))
        .containsExactly(
            "203.0.113.51,10.1.0.5|198.51.100.10,10.1.0.100",
            "198.51.100.10,10.1.0.100|203.0.113.51,10.1.0.5");
    assertThat(tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
  }

  private static List<String> tshark(Path pcap, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
