package io.mvpn.mn.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mn.ConfigException;
import io.mvpn.mn.MnConfig;
import io.mvpn.mobilenode.vpn.VpnMobileNode.Handover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mode vpn's keys: what a good config gives the node, and one line for each mistake. */
class VpnConfigTest {

  @TempDir Path dir;

  private Path p12;
  private Path ca;

  @BeforeEach
  void credentials() throws IOException {
    TenantCredentials files =
        TenantCredentials.write(dir, "mn.acme.example", Ipv4Address.parse("203.0.113.1"));
    p12 = files.nodeCertificate();
    ca = files.caCertificate();
  }

  @Test
  void aVpnConfigLoadsTheCertificateAndTheCaAndDefaultsToTheFastHandover() throws Exception {
    MnConfig config = MnConfig.load(write(valid()));
    assertThat(config.mode()).isEqualTo(MnConfig.Mode.VPN);
    assertThat(config.accessInterface()).isEqualTo("wlan0");
    VpnSettings vpn = config.vpn();
    assertThat(vpn.gateway()).isEqualTo(Ipv4Address.parse("203.0.113.1"));
    assertThat(vpn.handover()).isEqualTo(Handover.FAST);
    assertThat(vpn.identity()).isEqualTo("mn.acme.example");
    assertThat(vpn.credential().certificate().getSubjectX500Principal().getName())
        .contains("mn.acme.example");
    assertThat(vpn.ca().getSubjectX500Principal().getName()).contains("acme vpn");

    MnConfig slow = MnConfig.load(write(valid() + "handover: reestablish\n"));
    assertThat(slow.vpn().handover()).isEqualTo(Handover.REESTABLISH);
  }

  @Test
  void aWrongPasswordAMissingCaAndABadProposalEachGiveOneLine() throws IOException {
    assertRefused(
        valid().replace("certificatePassword: s3cret", "certificatePassword: guess"),
        "certificate: " + p12 + ": cannot open (wrong certificatePassword?)");
    Path absent = dir.resolve("absent.crt");
    assertRefused(
        valid().replace("caCertificate: " + ca, "caCertificate: " + absent),
        "caCertificate: " + absent + ": no such file");
    assertRefused(
        valid() + "ikeProposal: aes256gcm16-prfsha256-nosuchgroup\n", "ikeProposal: 'aes256gcm16");
    assertRefused(valid() + "handover: mobike\n", "handover: 'mobike' is not fast or reestablish");
    assertRefused(valid().replace("gateway: 203.0.113.1\n", ""), "gateway: missing");
    assertRefused(valid().replace("accessInterface: wlan0\n", ""), "accessInterface: missing");
  }

  @Test
  void accessInterfacesListsTheInterfacesMostPreferredFirstAndAccessInterfaceIsTheListOfOne()
      throws Exception {
    assertThat(MnConfig.load(write(valid())).accessInterfaces()).containsExactly("wlan0");
    MnConfig two =
        MnConfig.load(
            write(
                valid().replace("accessInterface: wlan0\n", "accessInterfaces: [wlan0, wwan0]\n")));
    assertThat(two.accessInterfaces()).containsExactly("wlan0", "wwan0");
    assertThat(two.accessInterface()).isEqualTo("wlan0");
  }

  @Test
  void bothAccessKeysAnInterfaceTwiceOrABadNameEachGiveOneLine() throws IOException {
    assertRefused(
        valid() + "accessInterfaces: [wlan0, wwan0]\n",
        "accessInterfaces: not with accessInterface (one of the two keys)");
    String list = valid().replace("accessInterface: wlan0\n", "accessInterfaces: %s\n");
    assertRefused(list.formatted("[wlan0, wlan0]"), "accessInterfaces: 'wlan0' twice");
    assertRefused(
        list.formatted("[wlan0, 'no such']"),
        "accessInterfaces: 'no such' is not a network device name");
    assertRefused(list.formatted("[]"), "accessInterfaces: at least one interface");
  }

  @Test
  void anEmptyItemInTheListIsRefusedNotTakenAsADeviceNamedNull() throws IOException {
    String list = valid().replace("accessInterface: wlan0\n", "accessInterfaces: %s\n");
    assertRefused(list.formatted("[wlan0, ~]"), "accessInterfaces: item 2 is empty");
    assertRefused(
        valid().replace("accessInterface: wlan0\n", "accessInterfaces:\n  - wlan0\n  -\n"),
        "accessInterfaces: item 2 is empty");
  }

  @Test
  void vpnKeysInAnotherModeAreRefused() throws IOException {
    String colocated =
        valid()
            .replace("mode: vpn\n", "careOfAddress: 203.0.113.61\n")
            .replace("accessInterface: wlan0\n", "");
    assertRefused(colocated, "gateway: only with mode vpn, not colocated");
  }

  /** The first line of the refusal starts with {@code start}, after the file's name. */
  private void assertRefused(String text, String start) throws IOException {
    Path file = write(text);
    assertThatThrownBy(() -> MnConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith(file + ": " + start))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private String valid() {
    return """
        mode: vpn
        accessInterface: wlan0
        homeAddress: 10.1.0.5
        homeAgent: 198.51.100.10
        spi: 1000
        algorithm: hmac-md5
        key: 00112233445566778899aabbccddeeff
        routes: [10.1.0.0/16]
        gateway: 203.0.113.1
        identity: mn.acme.example
        certificate: %s
        certificatePassword: s3cret
        caCertificate: %s
        control: %s
        """
        .formatted(p12, ca, dir.resolve("control.sock"));
  }

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("mvpn-mn.yaml"), text);
  }
}
