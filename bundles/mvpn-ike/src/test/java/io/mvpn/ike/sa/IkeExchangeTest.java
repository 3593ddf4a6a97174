package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.DeletePayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Transform;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** IKE_SA_INIT and IKE_AUTH between two engines in virtual time, and how they go wrong. */
class IkeExchangeTest {

  private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  @Test
  void pskExchangeEstablishesAnIkeSaAndAChildSaWhoseEspInteroperates() throws Exception {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);

    IkeSa gw = pair.peerOf(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R");
    assertThat(pair.established).containsExactlyInAnyOrder(mn, gw);
    assertThat(mn.remoteId()).isEqualTo(IkePair.GW_ID);
    assertThat(gw.remoteId()).isEqualTo(IkePair.MN_ID);
    assertThat(mn.peerSupportsMobike()).isTrue();
    assertThat(gw.peerSupportsMobike()).isTrue();
    assertThat(mn.natDetected()).isFalse();
    assertThat(gw.natDetected()).isFalse();
    // The gateway prefers the first group, AES-256 and SHA2-256, as the mobile node offered: with
    // the defaults on both ends, X25519 (group 31) and no INVALID_KE_PAYLOAD round trip.
    assertThat(mn.proposal()).isEqualTo(gw.proposal());
    assertThat(mn.proposal().transforms(Transform.DH).get(0).id()).isEqualTo(Transform.CURVE25519);
    assertThat(mn.nextRequestId()).isEqualTo(2);
    assertThat(gw.expectedRequestId()).isEqualTo(2);

    ChildSa mnChild = mn.childSas().get(0);
    ChildSa gwChild = gw.childSas().get(0);
    assertThat(mnChild.inbound().spi()).isEqualTo(gwChild.outbound().spi());
    assertThat(mnChild.outbound().spi()).isEqualTo(gwChild.inbound().spi());
    assertThat(mnChild.inbound().spi()).isNotEqualTo(mnChild.outbound().spi());
    assertThat(mnChild.inbound().extendedSequenceNumbers()).isTrue();
    // Narrowed to the gateway's policy: 10.1.0.0/24 behind the node, 10.2.0.0/16 behind itself.
    assertThat(mnChild.localSelectors()).containsExactly(IkePair.range("10.1.0.0", "10.1.0.255"));
    assertThat(mnChild.remoteSelectors())
        .containsExactly(IkePair.range("10.2.0.0", "10.2.255.255"));
    assertThat(gwChild.localSelectors()).isEqualTo(mnChild.remoteSelectors());
    assertThat(gwChild.remoteSelectors()).isEqualTo(mnChild.localSelectors());

    assertCarries(mnChild.outbound(), gwChild.inbound(), "10.1.0.5", "10.2.0.7");
    assertCarries(gwChild.outbound(), mnChild.inbound(), "10.2.0.7", "10.1.0.5");
  }

  /** One inner datagram sealed by {@code out} comes back whole from {@code in}. */
  private static void assertCarries(
      EspSecurityAssociation out, EspSecurityAssociation in, String from, String to)
      throws Exception {
    ByteBuf inner = innerDatagram(from, to);
    ByteBuf outer = out.encapsulate(ALLOC, Ipv4Packet.parse(inner.duplicate()), 64);
    ByteBuf back = in.decapsulate(ALLOC, Ipv4Packet.parse(outer));
    assertThat(ByteBufUtil.getBytes(back)).isEqualTo(ByteBufUtil.getBytes(inner));
    inner.release();
    outer.release();
    back.release();
  }

  /** A small UDP datagram for the tunnel, from and to addresses inside the selectors. */
  private static ByteBuf innerDatagram(String from, String to) {
    return UdpDatagram.build(
        ALLOC,
        Ipv4Address.parse(from).toInt(),
        Ipv4Address.parse(to).toInt(),
        5000,
        7,
        Unpooled.wrappedBuffer("ping".getBytes(StandardCharsets.US_ASCII)),
        64);
  }

  @Test
  void invalidKePayloadMakesTheInitiatorRetryWithTheResponderGroup() {
    IkePair pair =
        gatewayOffering(
            List.of(256),
            List.of(Transform.PRF_HMAC_SHA2_256),
            List.of(Transform.ECP_256, Transform.MODP_2048));
    IkeSa mn = pair.start();
    pair.run(100);

    // The node's default KE is X25519, which this gateway does not take: it names group 19.
    assertThat(pair.flow()).containsExactly("34", "34R", "34", "34R", "35", "35R");
    IkeMessage refusal = parse(pair.sent.get(1));
    assertThat(refusal.notification(NotifyPayload.INVALID_KE_PAYLOAD).data().toByteArray())
        .containsExactly(0, 19);
    assertThat(refusal.header().spiR()).isZero();
    IkeMessage retry = parse(pair.sent.get(2));
    assertThat(retry.header().messageId()).isZero();
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.proposal().transforms(Transform.DH).get(0).id()).isEqualTo(Transform.ECP_256);
    // AUTH verified at both ends: RealMessage1 was the retried request.
    assertThat(pair.peerOf(mn).state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childSas()).hasSize(1);
  }

  @Test
  void beyondTheHalfOpenThresholdTheResponderAsksForACookieFirst() {
    IkePair pair =
        new IkePair(
            IkePair.mnConfig(),
            IkePair.gwConfig(),
            EngineSettings.defaults().withCookieThreshold(0));
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(pair.flow()).containsExactly("34", "34R", "34", "34R", "35", "35R");
    IkeMessage cookie = parse(pair.sent.get(1));
    assertThat(cookie.payloads()).hasSize(1);
    assertThat(cookie.notification(NotifyPayload.COOKIE)).isNotNull();
    IkeMessage retry = parse(pair.sent.get(2));
    assertThat(retry.payloads().get(0)).isEqualTo(cookie.notification(NotifyPayload.COOKIE));
    assertThat(pair.responder.counters().cookiesSent()).isEqualTo(1);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.peerOf(mn).state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void noCommonProposalIsAnsweredWithNoProposalChosenAndKeepsNoState() {
    IkePair pair =
        gatewayOffering(
            List.of(192), List.of(Transform.PRF_HMAC_SHA2_512), List.of(Transform.ECP_256));
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(pair.flow()).containsExactly("34", "34R");
    assertThat(parse(pair.sent.get(1)).notification(NotifyPayload.NO_PROPOSAL_CHOSEN)).isNotNull();
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(mn.failure()).isEqualTo(NotifyPayload.NO_PROPOSAL_CHOSEN);
    assertThat(pair.initiator.sas()).isEmpty();
    assertThat(pair.responder.sas()).isEmpty();
    assertThat(pair.ended).containsExactly(mn);
  }

  @Test
  void aWrongPreSharedKeyFailsAuthenticationAndInstallsNothing() {
    PeerConfig gw =
        IkePair.gwConfig()
            .withAuthenticator(
                new PskAuthenticator("another secret".getBytes(StandardCharsets.US_ASCII)));
    IkePair pair = new IkePair(IkePair.mnConfig(), gw, EngineSettings.defaults());
    IkeSa mn = pair.start();
    pair.run(1); // IKE_SA_INIT has reached the gateway
    long gwSpi = pair.responder.sas().iterator().next().localSpi();
    pair.run(100);

    pair.assertAuthenticationFailed(mn);
    assertThat(pair.responder.sa(gwSpi)).isNull();
    assertThat(pair.ended).hasSize(2).allMatch(sa -> sa.childSas().isEmpty());
  }

  @Test
  void disjointSelectorsLeaveTheIkeSaUpWithoutAChildSa() {
    PeerConfig gw =
        PeerConfig.of(
            IkePair.GW_ID,
            IkePair.MN_ID,
            new PskAuthenticator(IkePair.PSK),
            List.of(IkePair.range("10.2.0.0", "10.2.255.255")),
            List.of(IkePair.range("10.9.0.0", "10.9.0.255")));
    IkePair pair = new IkePair(IkePair.mnConfig(), gw, EngineSettings.defaults());
    IkeSa mn = pair.start();
    pair.run(100);

    IkeSa gwSa = pair.peerOf(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gwSa.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childFailure()).isEqualTo(NotifyPayload.TS_UNACCEPTABLE);
    assertThat(gwSa.childFailure()).isEqualTo(NotifyPayload.TS_UNACCEPTABLE);
    assertThat(mn.childSas()).isEmpty();
    assertThat(gwSa.childSas()).isEmpty();
  }

  @Test
  void aLostResponseIsRetransmittedAndAnsweredFromTheCacheOnce() {
    IkePair pair = new IkePair();
    boolean[] lost = {false};
    pair.lose =
        d -> {
          // The first IKE_AUTH response is lost on its way to the mobile node.
          boolean authResponse =
              d.payload()[18] == IkeHeader.IKE_AUTH && (d.payload()[19] & 0x20) != 0;
          if (authResponse && !lost[0]) {
            lost[0] = true;
            return true;
          }
          return false;
        };
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.INIT_DONE);
    IkeSa gw = pair.peerOf(mn);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    List<ChildSa> gwChildren = gw.childSas();

    pair.run(500); // the first retransmission timeout
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R", "35", "35R");
    assertThat(pair.sent.get(4).payload()).isEqualTo(pair.sent.get(2).payload());
    assertThat(pair.sent.get(5).payload()).isEqualTo(pair.sent.get(3).payload());
    assertThat(pair.initiator.counters().retransmissions()).isEqualTo(1);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    // Processed once: the same Child SA, the same message ID count.
    assertThat(gw.childSas()).isEqualTo(gwChildren).hasSize(1);
    assertThat(gw.expectedRequestId()).isEqualTo(2);
    assertThat(pair.established).containsExactlyInAnyOrder(gw, mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childSas().get(0).outbound().spi()).isEqualTo(gwChildren.get(0).inbound().spi());
  }

  @Test
  void aRetransmittedIkeSaInitGetsTheSameAnswerAndNoSecondSa() {
    IkePair pair = new IkePair();
    boolean[] lost = {false};
    pair.lose = d -> d.destination().equals(IkePair.MN) && !lost[0] && (lost[0] = true);
    IkeSa mn = pair.start();
    pair.run(1_000);

    assertThat(pair.flow()).containsExactly("34", "34R", "34", "34R", "35", "35R");
    assertThat(pair.sent.get(3).payload()).isEqualTo(pair.sent.get(1).payload());
    assertThat(pair.responder.sas()).hasSize(1);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void aSilentPeerIsGivenUpAfterFiveRetransmissionsWithBackoff() {
    IkePair pair = new IkePair();
    pair.lose = d -> d.destination().equals(IkePair.GW);
    IkeSa mn = pair.start();
    pair.run(31_000);
    assertThat(pair.sent).hasSize(6); // 0, 0.5, 1.5, 3.5, 7.5, 15.5 s
    assertThat(mn.state()).isEqualTo(IkeSaState.INIT_SENT);
    pair.run(600); // 31.5 s: the last timeout ran out
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(mn.failure()).isEqualTo(-1);
    assertThat(pair.initiator.counters().retransmissions()).isEqualTo(5);
  }

  @Test
  void garbageFromAThirdPartyDoesNotDisturbAnExchangeInProgress() {
    IkePair pair = new IkePair();
    Endpoint stranger = Endpoint.of("192.0.2.66", 500);
    pair.lose =
        d -> {
          if (d.payload()[18] == IkeHeader.IKE_AUTH && (d.payload()[19] & 0x20) == 0) {
            // While IKE_AUTH is in flight: a short datagram, random bytes behind a valid-looking
            // header of the real SA, and an IKE_SA_INIT request with a broken payload chain.
            pair.deliver(new Datagram(stranger, IkePair.GW, new byte[] {1, 2, 3}));
            byte[] forged = d.payload().clone();
            forged[forged.length - 1] ^= 1;
            pair.deliver(new Datagram(stranger, IkePair.GW, forged));
            byte[] badInit = pair.sent.get(0).payload().clone();
            badInit[30] = (byte) 0xFF; // the SA payload's length runs past the message
            pair.deliver(new Datagram(stranger, IkePair.GW, badInit));
          }
          return false;
        };
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.peerOf(mn).state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.responder.counters().malformed()).isEqualTo(2);
    assertThat(pair.responder.counters().undecryptable()).isEqualTo(1);
    // Only the broken IKE_SA_INIT request is answered, with INVALID_SYNTAX, to its sender.
    List<Datagram> toStranger =
        pair.sent.stream().filter(d -> d.destination().equals(stranger)).toList();
    assertThat(toStranger).hasSize(1);
    assertThat(parse(toStranger.get(0)).notification(NotifyPayload.INVALID_SYNTAX)).isNotNull();
    assertThat(pair.responder.sas()).hasSize(1);
  }

  /** A NAT in front of the mobile node: its address becomes this one, each port + 10000. */
  private static final String NAT_OUTSIDE = "198.51.100.200";

  private static IkePair behindNat() {
    IkePair pair = new IkePair();
    pair.translate = natAt(NAT_OUTSIDE);
    return pair;
  }

  /** The NAT's translation with outside address {@code address}. */
  private static UnaryOperator<Datagram> natAt(String address) {
    Ipv4Address outside = Ipv4Address.parse(address);
    return d -> {
      if (d.source().address().equals(IkePair.MN.address())) {
        Endpoint mapped = new Endpoint(outside, d.source().port() + 10000);
        return new Datagram(mapped, d.destination(), d.payload());
      }
      if (d.destination().address().equals(outside)) {
        Endpoint inside = IkePair.MN.withPort(d.destination().port() - 10000);
        return new Datagram(d.source(), inside, d.payload());
      }
      return d;
    };
  }

  @Test
  void aNatInFrontOfTheInitiatorIsDetectedAtBothEnds() {
    IkePair pair = behindNat();
    IkeSa mn = pair.start();
    pair.run(100);

    IkeSa gw = pair.peerOf(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.localBehindNat()).isTrue();
    assertThat(mn.remoteBehindNat()).isFalse();
    assertThat(gw.localBehindNat()).isFalse();
    assertThat(gw.remoteBehindNat()).isTrue();
  }

  @Test
  void behindANatBothEndsMoveToPort4500AfterIkeSaInit() {
    IkePair pair = behindNat();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);

    // §2.23: IKE_SA_INIT on 500, IKE_AUTH and everything after on 4500 at both ends.
    List<String> ports =
        pair.sent.stream().map(d -> d.source().port() + ">" + d.destination().port()).toList();
    assertThat(ports).containsExactly("500>500", "500>10500", "4500>4500", "4500>14500");
    assertThat(mn.local()).isEqualTo(IkePair.MN.withPort(4500));
    assertThat(mn.remote()).isEqualTo(IkePair.GW.withPort(4500));
    assertThat(gw.local()).isEqualTo(IkePair.GW.withPort(4500));
    assertThat(gw.remote()).isEqualTo(Endpoint.of(NAT_OUTSIDE, 14500));

    // The gateway's own requests follow the peer's floated mapping too.
    pair.scheduler.execute(() -> pair.responder.checkLiveness(gw));
    pair.run(100);
    Datagram probe = pair.sent.get(4);
    assertThat(probe.source()).isEqualTo(IkePair.GW.withPort(4500));
    assertThat(probe.destination()).isEqualTo(Endpoint.of(NAT_OUTSIDE, 14500));
    assertThat(pair.flow().subList(4, 6)).containsExactly("37", "37R");
  }

  @Test
  void behindANatChildSasGoInUdpBetweenTheFloatedIkeEndpoints() throws Exception {
    IkePair pair = behindNat();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);

    // RFC 3948 and §2.23: ESP shares the IKE SA's 4500 mapping, the NAT's port included.
    assertThat(mn.udpEncapsulation())
        .contains(new UdpEncapsulation(IkePair.MN.withPort(4500), IkePair.GW.withPort(4500)));
    assertThat(gw.udpEncapsulation())
        .contains(new UdpEncapsulation(IkePair.GW.withPort(4500), Endpoint.of(NAT_OUTSIDE, 14500)));

    // What the node seals reaches the gateway from the NAT's address, where the gateway's SAD
    // finds the inbound SA by SPI and source; the answer goes back to that address.
    ChildSa mnChild = mn.childSas().get(0);
    ChildSa gwChild = gw.childSas().get(0);
    ByteBuf inner = innerDatagram("10.1.0.5", "10.2.0.7");
    ByteBuf esp = mnChild.outbound().seal(ALLOC, Ipv4Packet.parse(inner.duplicate()));
    Endpoint arrivedFrom = gw.udpEncapsulation().orElseThrow().remote();
    EspSecurityAssociation in =
        pair.gwSad.lookup(
            esp.getInt(0), gw.local().address().toInt(), arrivedFrom.address().toInt());
    assertThat(in).isSameAs(gwChild.inbound());
    ByteBuf back = in.open(ALLOC, esp, 0, esp.readableBytes());
    assertThat(ByteBufUtil.getBytes(back)).isEqualTo(ByteBufUtil.getBytes(inner));
    assertThat(gwChild.outbound().tunnelDestination()).isEqualTo(arrivedFrom.address());
    inner.release();
    esp.release();
    back.release();
  }

  @Test
  void whenTheNatMappingMovesTheChildSasEspMovesWithTheIkeSa() {
    // Without MOBIKE: with it, only the node's UPDATE_SA_ADDRESSES moves the SA (RFC 4555 §3.8).
    PeerConfig c = IkePair.mnConfig();
    PeerConfig noMobike =
        new PeerConfig(
            c.localId(),
            c.remoteId(),
            c.authenticator(),
            c.localSelectors(),
            c.remoteSelectors(),
            c.ike(),
            c.esp(),
            false);
    IkePair pair = new IkePair(noMobike, IkePair.gwConfig(), EngineSettings.defaults());
    pair.translate = natAt(NAT_OUTSIDE);
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    ChildSa gwChild = gw.childSas().get(0);

    // The NAT restarts with another outside address; the node's next request comes from there.
    String moved = "198.51.100.201";
    pair.translate = natAt(moved);
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);

    Endpoint now = Endpoint.of(moved, 14500);
    assertThat(gw.udpEncapsulation())
        .contains(new UdpEncapsulation(IkePair.GW.withPort(4500), now));
    assertThat(gwChild.outbound().tunnelDestination()).isEqualTo(now.address());
    assertThat(
            pair.gwSad.lookup(
                gwChild.inbound().spi(), IkePair.GW.address().toInt(), now.address().toInt()))
        .isSameAs(gwChild.inbound());
  }

  @Test
  void withoutANatEspIsNotEncapsulated() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(mn.udpEncapsulation()).isEmpty();
    assertThat(pair.peerOf(mn).udpEncapsulation()).isEmpty();
  }

  @Test
  void aResponseGoesToWhereTheRequestCameFrom() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    byte[] request = pair.sent.get(2).payload(); // IKE_AUTH
    Endpoint elsewhere = IkePair.MN.withPort(4500);

    // A retransmitted request from another port gets the cached answer there (§2.11).
    pair.deliver(new Datagram(elsewhere, IkePair.GW.withPort(4500), request));
    pair.run(100);

    Datagram again = pair.sent.get(pair.sent.size() - 1);
    assertThat(again.destination()).isEqualTo(elsewhere);
    assertThat(again.source()).isEqualTo(IkePair.GW.withPort(4500));
    assertThat(again.payload()).isEqualTo(pair.sent.get(3).payload());
    assertThat(gw.remote()).isEqualTo(IkePair.MN); // no NAT: the SA stays where it was
  }

  @Test
  void aHalfOpenSaWithoutIkeAuthExpires() {
    IkePair pair = new IkePair();
    pair.lose = d -> d.payload()[18] == IkeHeader.IKE_AUTH;
    pair.start();
    pair.run(29_000);
    assertThat(pair.responder.sas()).hasSize(1);
    pair.run(1_001);
    assertThat(pair.responder.sas()).isEmpty();
  }

  @Test
  void deleteEndsTheSaAtBothEnds() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    assertThat(pair.gwSad.all()).containsExactly(gw.childSas().get(0).inbound());

    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    pair.scheduler.execute(() -> pair.initiator.delete(mn));
    pair.run(100);

    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R", "37", "37R", "37", "37R");
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(gw.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(pair.ended).containsExactlyInAnyOrder(mn, gw);
    assertThat(pair.gwSad.all()).isEmpty();
    assertThat(pair.initiator.sas()).isEmpty();
    assertThat(pair.responder.sas()).isEmpty();
  }

  @Test
  void deletingAChildSaIsAnsweredWithTheOtherHalfOfThePair() throws Exception {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    ChildSa mnChild = mn.childSas().get(0);
    ChildSa gwChild = gw.childSas().get(0);

    pair.scheduler.execute(() -> pair.initiator.deleteChildSa(mn, mnChild));
    pair.run(100);

    // §1.4.1: D(ESP) names the sender's inbound SPI; the answer names the receiver's.
    IkeMessage request = parse(pair.sent.get(4)).opened(gw.cipher());
    IkeMessage answer = parse(pair.sent.get(5)).opened(mn.cipher());
    assertThat(request.first(DeletePayload.class))
        .isEqualTo(DeletePayload.esp(mnChild.inbound().spi()));
    assertThat(answer.first(DeletePayload.class))
        .isEqualTo(DeletePayload.esp(gwChild.inbound().spi()));
    assertThat(mn.childSas()).isEmpty();
    assertThat(gw.childSas()).isEmpty();
    assertThat(pair.gwSad.all()).isEmpty();
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.ended).isEmpty();
  }

  /** A pair whose gateway accepts only these IKE transforms. */
  private static IkePair gatewayOffering(
      List<Integer> aesBits, List<Integer> prfs, List<Integer> groups) {
    PeerConfig gw = IkePair.gwConfig().withIke(ProposalPolicy.ike(aesBits, prfs, groups));
    return new IkePair(IkePair.mnConfig(), gw, EngineSettings.defaults());
  }

  private static IkeMessage parse(Datagram d) {
    try {
      return IkeMessage.parse(Unpooled.wrappedBuffer(d.payload()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
