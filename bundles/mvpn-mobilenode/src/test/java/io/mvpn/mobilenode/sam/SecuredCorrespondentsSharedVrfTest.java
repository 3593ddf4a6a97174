package io.mvpn.mobilenode.sam;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.client.SamEspPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SAM path takes ESP and KINK's port on every attachment's VRF. Another function holding either
 * there (the inner IPsec or the VPN mode) refuses the path, which then holds nothing it had taken.
 */
class SecuredCorrespondentsSharedVrfTest {

  private static SamRealmKdc realm;

  @BeforeAll
  static void startKdc() throws Exception {
    realm = SamRealmKdc.shared();
  }

  private final MobilityLab lab =
      SamSite.lab(29).home("acme").colocated("colo", "203.0.113.61/24").build();

  @AfterEach
  void closeLab() {
    lab.close();
  }

  @Test
  void anAttachmentWhoseEspIsTakenRefusesThePathByNameAndNothingStaysClaimed() throws Exception {
    SamSite site = new SamSite(lab, realm);
    MobileNode mn = SamSite.mobileNode(lab.time());
    Vrf home = lab.vrf("mn", "home");
    mn.addHome("home", home, lab.iface("mn", "home"));
    mn.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
    lab.vrf("mn", "colo").registerProtocol(IpProtocol.ESP, (v, in, ip) -> {});
    SamClient client = site.client("mn", SecuredCorrespondents.kinkTo(mn, SamSite.SAM));

    assertThatThrownBy(
            () -> new SecuredCorrespondents(mn, client, SamSite.PEERS, SamEspPath.Settings.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("attachment colo");

    // What it had taken on the home attachment before is free again.
    Registration esp = home.registerProtocol(IpProtocol.ESP, (v, in, ip) -> {});
    Registration kink = home.bindUdp(SecuredCorrespondents.KINK_PORT, (v, in, udp) -> {});
    esp.close();
    kink.close();
  }
}
