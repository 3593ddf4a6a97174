package io.mvpn.mobilenode.vpn;

import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.COA1;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.COA2;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.GW_HA_KEY;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.GW_HA_SPI;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.GW_INSIDE;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.HA;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.HOME;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.MN_HA_KEY;
import static io.mvpn.mobilenode.vpn.IpsecHandoverScenario.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host on the home agent's DMZ sends the gateway updates it should not believe: each is refused,
 * counted, and leaves the tunnel exactly as it was.
 */
class SecurityInformationUpdateRefusalTest {

  static final MobilitySecurityAssociation KEY =
      new MobilitySecurityAssociation(GW_HA_SPI, Algorithm.HMAC_SHA256, GW_HA_KEY);

  IpsecHandoverScenario s;
  Vrf attacker;
  MobileTunnel tunnel;
  long sequenceBefore;

  @BeforeEach
  void registeredAtTheFirstCareOfAddress() {
    s = new IpsecHandoverScenario(true).startOnly();
    attacker = s.lab.vrf("dmzhost", "main");
    tunnel = s.gateway.tunnel(HOME);
    assertThat(tunnel.careOfAddress()).isEqualTo(COA1);
    assertThat(s.gateway.counter(GatewayCounter.SIU_APPLIED)).isEqualTo(1);
    sequenceBefore = tunnel.outbound().sequence();
  }

  long ntpNow() {
    return (s.time.nanoTime() / 1_000_000_000L + MipConstants.NTP_UNIX_OFFSET_SECONDS) << 32;
  }

  void send(ByteBuf siu) {
    attacker.sendUdp(
        null,
        GW_INSIDE,
        SecurityInformationUpdate.DEFAULT_PORT,
        SecurityInformationUpdate.DEFAULT_PORT,
        siu);
    siu.release();
    s.time.runUntil(s.time.nanoTime() + 100 * MS);
  }

  ByteBuf update(long id, Ipv4Address home, Ipv4Address ha, MobilitySecurityAssociation key) {
    ByteBuf reply =
        RegistrationBuilder.reply(
                attacker.alloc(), ReplyCode.ACCEPTED, 600, home.toInt(), ha.toInt(), 1L)
            .build();
    try {
      return SecurityInformationUpdate.build(
          attacker.alloc(), 434, id, home, ha, COA1, COA2, reply, key);
    } finally {
      reply.release();
    }
  }

  void assertUnchanged() {
    assertThat(s.gateway.tunnel(HOME)).isSameAs(tunnel);
    assertThat(tunnel.careOfAddress()).isEqualTo(COA1);
    assertThat(tunnel.outbound().sequence())
        .as("nothing sent to the node")
        .isEqualTo(sequenceBefore);
    assertThat(s.gateway.counter(GatewayCounter.SIU_APPLIED)).isEqualTo(1);
  }

  @Test
  void aForgedUpdateIsRefused() {
    MobilitySecurityAssociation wrong =
        new MobilitySecurityAssociation(GW_HA_SPI, Algorithm.HMAC_SHA256, new byte[32]);
    send(update(ntpNow() + 1_000_000, HOME, HA, wrong));
    assertThat(s.gateway.counter(GatewayCounter.SIU_FORGED)).isEqualTo(1);
    assertUnchanged();
  }

  @Test
  void aReplayedUpdateIsRefused() {
    ByteBuf genuine = update(ntpNow() + 1_000_000, HOME, HA, KEY);
    ByteBuf copy = genuine.copy();
    send(genuine);
    assertThat(s.gateway.tunnel(HOME).careOfAddress()).isEqualTo(COA2);
    assertThat(s.gateway.counter(GatewayCounter.SIU_APPLIED)).isEqualTo(2);
    // Back at COA1 through a newer update, then the old one again: refused.
    s.gateway.tunnel(HOME).outbound().repoint(IpsecHandoverScenario.GW, COA1);
    long sequence = tunnel.outbound().sequence();
    send(copy);
    assertThat(s.gateway.counter(GatewayCounter.SIU_REPLAYED)).isEqualTo(1);
    assertThat(s.gateway.counter(GatewayCounter.SIU_APPLIED)).isEqualTo(2);
    assertThat(tunnel.outbound().sequence()).isEqualTo(sequence);
    assertThat(tunnel.careOfAddress()).isEqualTo(COA1);
  }

  @Test
  void anUpdateOutsideTheTimeWindowIsRefused() {
    send(update(ntpNow() - (3600L << 32), HOME, HA, KEY));
    assertThat(s.gateway.counter(GatewayCounter.SIU_REPLAYED)).isEqualTo(1);
    assertUnchanged();
  }

  @Test
  void anUpdateForAnUnknownSaIsRefused() {
    send(update(ntpNow() + 1_000_000, Ipv4Address.parse("10.1.0.77"), HA, KEY));
    assertThat(s.gateway.counter(GatewayCounter.SIU_UNKNOWN_SA)).isEqualTo(1);
    assertUnchanged();
  }

  @Test
  void anUpdateFromAnUnknownHomeAgentOrGarbageIsRefused() {
    send(update(ntpNow() + 1_000_000, HOME, Ipv4Address.parse("198.51.100.99"), KEY));
    send(Unpooled.wrappedBuffer(new byte[] {1, 1, 0, 0, 9}));
    assertThat(s.gateway.counter(GatewayCounter.SIU_UNKNOWN_HOME_AGENT)).isEqualTo(1);
    assertThat(s.gateway.counter(GatewayCounter.SIU_MALFORMED)).isEqualTo(1);
    assertUnchanged();
  }

  /** Fig. 4 step 33: a request that did not come through the gateway gets the ordinary reply. */
  @Test
  void aRequestNotThroughTheGatewayGetsAPlainReply() throws Exception {
    long siusBefore = s.homeAgent.siusSent();
    List<RegistrationReply> replies = new ArrayList<>();
    attacker.bindUdp(
        40000,
        (vrf, in, d) -> {
          try {
            replies.add(RegistrationReply.parse(d.payload().copy()));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    long id = ntpNow() + 5;
    ByteBuf request =
        RegistrationBuilder.request(
                attacker.alloc(),
                MipConstants.FLAG_DECAPSULATION_BY_MN,
                600,
                HOME.toInt(),
                HA.toInt(),
                Ipv4Address.parse("198.51.100.50").toInt(),
                id)
            .authenticate(
                MipConstants.EXT_MN_HA_AUTH,
                new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, MN_HA_KEY))
            .build();
    attacker.sendUdp(null, HA, 40000, MipConstants.PORT, request);
    request.release();
    s.time.runUntil(s.time.nanoTime() + 100 * MS);
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(s.homeAgent.siusSent()).isEqualTo(siusBefore);
  }
}
