package io.mvpn.homeagent;

import static io.mvpn.homeagent.TwoTenants.ACME_HA;
import static io.mvpn.homeagent.TwoTenants.ACME_KEY;
import static io.mvpn.homeagent.TwoTenants.MN_HOME;
import static io.mvpn.homeagent.TwoTenants.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.net.DropReason;
import io.mvpn.net.UnreachableLog;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The home agent as a tunnel entry point on a 1400-byte Internet link (RFC 2003 §5.1): what acme's
 * host sends its roaming node in IP in IP either fits, or is fragmented outside (DF clear), or is
 * refused with the tunnel MTU (DF set), never lost without a word.
 */
class TunnelEntryPointTest {

  private static final int INTERNET_MTU = 1400;

  private final MobilityLab lab =
      MobilityLab.builder(1)
          .internet("5ms", INTERNET_MTU)
          .tenant("acme")
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  "acme", ACME_HA, new AssociationSpec(MN_HOME, SPI, Algorithm.HMAC_MD5, ACME_KEY)))
          .mobileNode("mn-acme")
          .colocated("colo", "203.0.113.51/24")
          .build();
  private final TestMobileNode mn =
      new TestMobileNode(
          lab.vrf("mn-acme", "colo"),
          Ipv4Address.parse("203.0.113.51"),
          ACME_HA,
          new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, ACME_KEY));
  private final Vrf host = lab.vrf("acme-host", "main");
  private final List<String> atHost = UnreachableLog.of(host);

  @BeforeEach
  void register() {
    mn.register(300);
    run();
  }

  @AfterEach
  void close() {
    lab.close();
  }

  private void run() {
    lab.advance(2, TimeUnit.SECONDS);
  }

  private void hostSends(int totalLength, boolean dontFragment) {
    host.send(
        Ipv4Builder.create()
            .source(MobilityLab.HOST)
            .destination(MN_HOME)
            .protocol(253)
            .dontFragment(dontFragment)
            .identification(totalLength)
            .build(host.alloc(), Unpooled.wrappedBuffer(new byte[totalLength - 20])));
    run();
  }

  @Test
  void aDatagramWithDfSetThatTheTunnelCannotCarryIsAnsweredWithTheTunnelMtu() {
    hostSends(INTERNET_MTU, true);

    assertThat(mn.received).isEmpty();
    // 1400 less the 20-byte outer header, from the home agent's tunnel interface.
    assertThat(atHost).containsExactly("3/4 mtu 1380 from " + ACME_HA);
    Vrf publicVrf = lab.vrf("appliance", "public");
    assertThat(publicVrf.counters().dropped(DropReason.MTU_EXCEEDED)).isEqualTo(1);
  }

  @Test
  void aDatagramOfTheTunnelMtuReachesTheNodeInOneOuterDatagram() {
    hostSends(1380, true);

    assertThat(atHost).isEmpty();
    assertThat(mn.received)
        .containsExactly("198.51.100.10>203.0.113.51 [10.1.0.100>10.1.0.5 proto253]");
    assertThat(lab.vrf("appliance", "public").counters().fragmented()).isZero();
  }

  @Test
  void aDatagramWithDfClearGoesInOuterFragmentsThatTheNodeReassembles() {
    hostSends(1480, false);

    assertThat(atHost).isEmpty();
    assertThat(mn.received)
        .containsExactly("198.51.100.10>203.0.113.51 [10.1.0.100>10.1.0.5 proto253]");
    assertThat(lab.vrf("appliance", "public").counters().fragmentsCreated()).isEqualTo(2);
  }
}
