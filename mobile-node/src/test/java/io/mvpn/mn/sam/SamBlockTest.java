package io.mvpn.mn.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mn.ConfigException;
import io.mvpn.mn.MnConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sam:} block of mvpn-mn's configuration: what it gives, and one line for each fault.
 */
class SamBlockTest {

  /** A co-located node the sam: block can go with. */
  static final String NODE =
      """
      homeAddress: 10.1.0.5
      homeAgent: 198.51.100.10
      careOfAddress: 203.0.113.61
      spi: 1000
      key: 00112233445566778899aabbccddeeff
      routes: [10.1.0.0/16]
      """;

  private static final String SAM =
      """
      sam:
        manager: 10.1.0.200
        managerPrincipal: kink/sam@ACME.MVPN.TEST
        principal: kink/laptop7@ACME.MVPN.TEST
        keytab: /etc/mvpn-mn/laptop7.keytab
        correspondents: [voice=10.1.0.100, files=10.1.0.101]
      """;

  @TempDir Path dir;

  @Test
  void aSamBlockNamesTheManagerTheNodesKeysAndTheCorrespondentsItProtects() throws Exception {
    SamSettings sam = MnConfig.load(write(NODE + SAM + "lifetime: 600\n")).sam();

    assertThat(sam.manager()).isEqualTo(Ipv4Address.parse("10.1.0.200"));
    assertThat(sam.managerPrincipal()).isEqualTo("kink/sam@ACME.MVPN.TEST");
    assertThat(sam.node()).isEqualTo("laptop7");
    assertThat(sam.keytab()).isEqualTo(Path.of("/etc/mvpn-mn/laptop7.keytab"));
    assertThat(sam.krb5ConfDir()).isEqualTo(Path.of("/etc"));
    assertThat(sam.token()).as("SAs in memory only").isNull();
    assertThat(sam.correspondents())
        .isEqualTo(
            Map.of(
                "voice", Ipv4Address.parse("10.1.0.100"),
                "files", Ipv4Address.parse("10.1.0.101")));
  }

  @Test
  void aTokenIsNamedByItsSunPkcs11ConfigurationWithThePinInAFileOrTheEnvironment()
      throws Exception {
    String token = "  token: /etc/mvpn-mn/sim.cfg\n";
    SamSettings sam = MnConfig.load(write(NODE + SAM + token + "  tokenPin: env:SIM_PIN\n")).sam();
    assertThat(sam.token()).isEqualTo(Path.of("/etc/mvpn-mn/sim.cfg"));
    assertThat(sam.tokenPin()).isEqualTo("env:SIM_PIN");
    assertThat(MnConfig.load(write(NODE + SAM + token + "  tokenPin: file:/etc/x\n")).sam())
        .extracting(SamSettings::tokenPin)
        .isEqualTo("file:/etc/x");

    assertRefused(
        NODE + SAM + token,
        "sam.tokenPin: missing (required with sam.token): file:PATH or env:NAME");
    assertRefused(NODE + SAM + "  tokenPin: env:SIM_PIN\n", "sam.tokenPin: only with sam.token");
    assertRefused(
        NODE + SAM + token + "  tokenPin: 1234\n",
        "sam.tokenPin: neither file:PATH nor env:NAME (never the PIN itself)");
  }

  @Test
  void aNodeWithoutASamBlockHasNoSamPath() throws Exception {
    assertThat(MnConfig.load(write(NODE)).sam()).isNull();
  }

  @Test
  void eachFaultInTheBlockIsOneLineNamingTheKey() {
    assertRefused(
        NODE + SAM.replace("kink/laptop7@", "laptop7@"),
        "sam.principal: 'laptop7@ACME.MVPN.TEST' is not a KINK principal kink/NAME@REALM");
    assertRefused(NODE + SAM + "  kdc: 10.1.0.201\n", "unknown key 'sam.kdc'");
    assertRefused(
        NODE + SAM.replace("files=10.1.0.101", "files"),
        "sam.correspondents: 'files' is not NAME=ADDRESS");
    assertRefused(
        NODE + SAM.replace("files=10.1.0.101", "sam=10.1.0.200"),
        "sam.correspondents: the manager 10.1.0.200 is no correspondent");
    assertRefused(
        NODE + SAM.replace("files=10.1.0.101", "files=10.1.0.100"),
        "sam.correspondents: 'files=10.1.0.100' names a peer or address twice");
    assertRefused(
        NODE + SAM.replace("  keytab: /etc/mvpn-mn/laptop7.keytab\n", ""),
        "sam.keytab: missing (required)");
    assertRefused(
        NODE + SAM + "tunAddress: 169.254.77.254\n",
        "tunAddress: 169.254.77.254 is the SAM path's own address");
  }

  @Test
  void theSamPathNeedsTheTrafficInTheTunSoOnlyACoLocatedCareOfAddress() {
    String throughAgent =
        NODE.replace(
            "careOfAddress: 203.0.113.61\n", "mode: foreign-agent\naccessInterface: wlan0\n");
    assertRefused(throughAgent + SAM, "sam: only with mode colocated");
  }

  private void assertRefused(String yaml, String line) {
    Path file;
    try {
      file = write(yaml);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> MnConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": " + line);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("mvpn-mn.yaml"), yaml);
  }
}
