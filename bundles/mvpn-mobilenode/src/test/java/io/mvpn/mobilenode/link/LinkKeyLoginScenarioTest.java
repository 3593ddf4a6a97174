package io.mvpn.mobilenode.link;

import static io.mvpn.mobilenode.link.LinkLoginLab.MASTER_KEY;
import static io.mvpn.mobilenode.link.LinkLoginLab.NAI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.foreignagent.link.Refusal;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 claims 5 and 12 in virtual time: acme's node attaches to a foreign agent's cell, runs
 * the four-way association with the cell's access point and logs into layer 3 with the key that
 * produced (RFC 4721 MN-AAA at the foreign agent). The node holds its master key and its MN-HA key
 * for its home agent, and nothing for the foreign agent.
 */
class LinkKeyLoginScenarioTest {

  final LinkLoginLab lab = new LinkLoginLab();

  @AfterEach
  void close() {
    lab.close();
  }

  int bindings() {
    return lab.mobility.store().bindings(MvpnId.of("acme")).size();
  }

  @Test
  void theRightLayerTwoKeyLogsTheNodeInWithNoOtherSecretForTheForeignAgent() {
    MobileNode mn = lab.node(MASTER_KEY);
    mn.moveTo("cell1");
    lab.mobility.advance(3, TimeUnit.SECONDS);

    assertThat(lab.accessPoint.established()).isEqualTo(1);
    assertThat(lab.supplicant.keyOf(NAI).orElseThrow().key())
        .as("both ends derived the same link key")
        .isEqualTo(lab.accessPoint.keyOf(NAI).orElseThrow().key());
    assertThat(lab.login.accepted()).isEqualTo(1);
    assertThat(mn.connected()).isTrue();
    assertThat(lab.agent.visitors()).hasSize(1);
    assertThat(lab.agent.visitors().get(0).homeAddress()).isEqualTo(MobilityLab.MN_HOME);
    assertThat(bindings()).isEqualTo(1);
  }

  @Test
  void aWrongLayerTwoKeyGetsNoLinkKeyAndTheLoginIsRefusedWith108() {
    byte[] wrong = MASTER_KEY.clone();
    wrong[0] ^= 1;
    MobileNode mn = lab.node(wrong);
    mn.moveTo("cell1");
    lab.mobility.advance(6, TimeUnit.SECONDS);

    assertThat(lab.accessPoint.refused(Refusal.BAD_MIC))
        .as("every attempt's message 2")
        .isEqualTo(LinkSupplicant.ATTEMPTS);
    assertThat(lab.accessPoint.established()).isZero();
    assertThat(lab.accessPoint.keys()).isEmpty();
    assertThat(lab.supplicant.keyOf(NAI)).isEmpty();
    assertThat(lab.login.refused(ReplyCode.FA_MN_AAA_AUTH_FAILED)).isPositive();
    assertThat(lab.login.accepted()).isZero();
    assertThat(mn.connected()).isFalse();
    assertThat(mn.events()).anyMatch(e -> e.what().startsWith("denied 108"));
    assertThat(lab.agent.visitors()).isEmpty();
    assertThat(bindings()).isZero();
  }

  @Test
  void aReplayedLoginIsRefusedWith106AndRelaysNothing() {
    List<byte[]> requests = new ArrayList<>();
    lab.mobility
        .vrf("fa1", "access")
        .observeDeliveries(
            (vrf, in, ip) -> {
              if (ip.protocol() == IpProtocol.UDP) {
                requests.add(ByteBufUtil.getBytes(ip.datagram()));
              }
            });
    MobileNode mn = lab.node(MASTER_KEY);
    mn.moveTo("cell1");
    lab.mobility.advance(3, TimeUnit.SECONDS);
    assertThat(mn.connected()).isTrue();
    long relayed = lab.agent.relayedRequests();
    byte[] login =
        requests.stream()
            .filter(r -> r.length > 28 && ((r[22] & 0xff) << 8 | r[23] & 0xff) == 434 && r[28] == 1)
            .findFirst()
            .orElseThrow();

    // The same bytes again from the node's station, as an eavesdropper on the cell would send.
    lab.mobility
        .vrf("mn", "cell1")
        .send(Unpooled.wrappedBuffer(login), lab.mobility.iface("mn", "cell1"), -1);
    lab.mobility.advance(1, TimeUnit.SECONDS);

    assertThat(lab.login.refused(ReplyCode.FA_STALE_CHALLENGE)).isEqualTo(1);
    assertThat(lab.login.accepted()).isEqualTo(1);
    assertThat(lab.agent.relayedRequests()).isEqualTo(relayed);
    assertThat(lab.agent.visitors()).hasSize(1);
  }

  @Test
  void aForgedFirstMessageWithTheHighestCounterDoesNotStopTheGenuineLogin() {
    MobileNode mn = lab.node(MASTER_KEY);
    mn.moveTo("cell1");
    // Anyone on the cell can send message 1: it carries no MIC.
    byte[] anyNonce = new byte[AssociationFrame.NONCE_LENGTH];
    ByteBuf forged =
        new AssociationFrame(1, 0, Long.MAX_VALUE, anyNonce, NAI)
            .encode(UnpooledByteBufAllocator.DEFAULT, null);
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            LinkLoginLab.FA.toInt(),
            -1,
            AssociationFrame.PORT,
            AssociationFrame.PORT,
            forged,
            64);
    forged.release();
    lab.mobility.vrf("fa1", "access").send(datagram, lab.mobility.iface("fa1", "a0"), -1);
    lab.mobility.advance(6, TimeUnit.SECONDS);

    assertThat(lab.accessPoint.established()).isEqualTo(1);
    assertThat(lab.supplicant.keyOf(NAI)).isPresent();
    assertThat(lab.login.accepted()).isEqualTo(1);
    assertThat(mn.connected()).isTrue();
  }

  @Test
  void aNodeWithoutLinkLoginIsRefusedWith105AndNeverReachesItsHomeAgent() {
    MobileNode mn = lab.node(null);
    mn.moveTo("cell1");
    lab.mobility.advance(3, TimeUnit.SECONDS);

    assertThat(lab.login.refused(ReplyCode.FA_MISSING_CHALLENGE)).isPositive();
    assertThat(mn.connected()).isFalse();
    assertThat(lab.agent.visitors()).isEmpty();
    assertThat(lab.agent.relayedRequests()).isZero();
  }

  @Test
  void theLinkKeyExpiresAndTheNextLoginIsRefused() {
    MobileNode mn = lab.node(MASTER_KEY);
    mn.moveTo("cell1");
    lab.mobility.advance(3, TimeUnit.SECONDS);
    assertThat(mn.connected()).isTrue();

    // Key lifetime 3600 s, binding refreshed every 150 s: the first refresh after expiry fails.
    lab.mobility.advance(3700, TimeUnit.SECONDS);

    assertThat(lab.accessPoint.keyOf(NAI)).isEmpty();
    assertThat(lab.accessPoint.withdrawn()).isEqualTo(1);
    assertThat(lab.login.refused(ReplyCode.FA_MN_AAA_AUTH_FAILED)).isPositive();
  }
}
