package io.mvpn.foreignagent;

import static io.mvpn.foreignagent.ForeignAgentLab.CARE_OF;
import static io.mvpn.foreignagent.ForeignAgentLab.HOME_AGENT;
import static io.mvpn.foreignagent.ForeignAgentLab.MAX_LIFETIME;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.foreignagent.ForeignAgentLab.Visiting;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.mip.AgentAdvertisement;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared foreign agent's own decisions (RFC 5944 §3.7, §2.3), in virtual time. */
class ForeignAgentTest {

  private static final byte[] FA_HA_KEY =
      HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  private static final byte[] MN_FA_KEY =
      HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

  private ForeignAgentLab lab = new ForeignAgentLab();

  @AfterEach
  void close() {
    lab.close();
  }

  /** Replaces the default lab (each lab starts its own virtual clock). */
  private ForeignAgentLab lab(ForeignAgentLab replacement) {
    lab.close();
    lab = replacement;
    return lab;
  }

  @Test
  void aValidRequestIsRelayedAndTheAcceptedReplyMakesAVisitor() {
    Visiting mn = lab.node(1);
    mn.send(mn.validRequest(300));
    lab.run();
    assertThat(lab.homeAgent.requests).hasSize(1);
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.agent.visitors())
        .extracting(Visitor::homeAddress, Visitor::homeAgent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(mn.home, HOME_AGENT));
    assertThat(lab.agent.relayedRequests()).isEqualTo(1);
    assertThat(lab.agent.relayedReplies()).isEqualTo(1);
  }

  @Test
  void aRequestWithAReservedFlagSetIsDeniedWith70AndNotRelayed() {
    Visiting mn = lab.node(1);
    mn.send(
        mn.request(MipConstants.FLAG_REVERSE_TUNNEL | MipConstants.FLAG_RESERVED_X, 300, CARE_OF)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, mn.mnHa)
            .build());
    lab.run(1500);
    Visiting other = lab.node(2);
    other.send(
        other
            .request(MipConstants.FLAG_REVERSE_TUNNEL | MipConstants.FLAG_RESERVED_R, 300, CARE_OF)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, other.mnHa)
            .build());
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_POORLY_FORMED_REQUEST);
    assertThat(other.lastReply().code()).isEqualTo(ReplyCode.FA_POORLY_FORMED_REQUEST);
    // The denial copies home address, home agent and identification (§3.7.2.3).
    assertThat(mn.lastReply().homeAddress()).isEqualTo(mn.home.toInt());
    assertThat(mn.lastReply().homeAgent()).isEqualTo(HOME_AGENT.toInt());
    assertThat(lab.homeAgent.requests).isEmpty();
    assertThat(lab.agent.visitors()).isEmpty();
  }

  @Test
  void aRequestWhoseExtensionRunsPastTheMessageIsDeniedWith70() {
    Visiting mn = lab.node(1);
    ByteBuf broken = mn.request(MipConstants.FLAG_REVERSE_TUNNEL, 300, CARE_OF).build();
    long id = broken.getLong(16);
    broken.writeByte(MipConstants.EXT_MN_HA_AUTH).writeByte(200).writeInt(1000);
    mn.send(broken);
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_POORLY_FORMED_REQUEST);
    assertThat(mn.lastReply().identification()).isEqualTo(id);
    assertThat(lab.homeAgent.requests).isEmpty();
  }

  @Test
  void aRequestForACareOfAddressTheAgentDoesNotOfferIsDeniedWith77() {
    Visiting mn = lab.node(1);
    mn.send(
        mn.request(MipConstants.FLAG_REVERSE_TUNNEL, 300, Ipv4Address.parse("203.0.113.99"))
            .authenticate(MipConstants.EXT_MN_HA_AUTH, mn.mnHa)
            .build());
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_INVALID_COA);
    assertThat(lab.homeAgent.requests).isEmpty();
  }

  @Test
  void aColocatedCareOfAddressOrADeregistrationIsNotTheAgentsToRefuse() {
    // With D set the node decapsulates itself; a deregistration binds no care-of address.
    Visiting colocated = lab.node(1);
    colocated.send(
        colocated
            .request(
                MipConstants.FLAG_REVERSE_TUNNEL | MipConstants.FLAG_DECAPSULATION_BY_MN,
                300,
                Ipv4Address.parse("203.0.113.99"))
            .authenticate(MipConstants.EXT_MN_HA_AUTH, colocated.mnHa)
            .build());
    Visiting leaving = lab.node(2);
    leaving.send(
        leaving
            .request(MipConstants.FLAG_REVERSE_TUNNEL, 0, Ipv4Address.parse("203.0.113.99"))
            .authenticate(MipConstants.EXT_MN_HA_AUTH, leaving.mnHa)
            .build());
    lab.run();
    assertThat(lab.homeAgent.requests).hasSize(2);
    assertThat(colocated.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(leaving.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
  }

  @Test
  void aLifetimeAboveTheAgentsMaximumIsDeniedWith69NamingTheMaximum() {
    Visiting mn = lab.node(1);
    mn.send(mn.validRequest(MAX_LIFETIME + 1));
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_LIFETIME_TOO_LONG);
    assertThat(mn.lastReply().lifetime()).isEqualTo(MAX_LIFETIME);
    assertThat(lab.homeAgent.requests).isEmpty();

    // The maximum itself is fine.
    lab.run(1000);
    mn.send(mn.validRequest(MAX_LIFETIME));
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
  }

  @Test
  void requestsBeyondThePendingLimitAreDeniedWith66() {
    lab(new ForeignAgentLab(2, ForeignAgentLab.ADVERTISEMENT_INTERVAL_NANOS, Map.of(), Map.of()));
    lab.homeAgent.code = -1; // the home agent does not answer: requests stay pending
    for (int n = 1; n <= 3; n++) {
      lab.node(n).send(lab.node(n).validRequest(300));
    }
    lab.run();
    assertThat(lab.homeAgent.requests).hasSize(2);
    assertThat(lab.node(1).replies).isEmpty();
    assertThat(lab.node(2).replies).isEmpty();
    assertThat(lab.node(3).lastReply().code()).isEqualTo(ReplyCode.FA_INSUFFICIENT_RESOURCES);

    // A pending node's retransmission replaces its own entry rather than taking another.
    lab.run(1000);
    lab.node(1).send(lab.node(1).validRequest(300));
    lab.run();
    assertThat(lab.homeAgent.requests).hasSize(3);
    assertThat(lab.node(1).replies).isEmpty();
  }

  @Test
  void aRequestItsHomeAgentNeverAnswersIsDeniedWith78AfterSevenSeconds() {
    lab.homeAgent.code = -1;
    Visiting mn = lab.node(1);
    mn.send(mn.validRequest(300));
    lab.run(6900);
    assertThat(mn.replies).isEmpty();
    lab.run(200);
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_REGISTRATION_TIMEOUT);
  }

  @Test
  void aRequestWithoutAnMnHaAuthenticatorIsDroppedAndCounted() {
    Visiting mn = lab.node(1);
    mn.send(mn.request(MipConstants.FLAG_REVERSE_TUNNEL, 300, CARE_OF).build());
    lab.run();
    assertThat(mn.replies).isEmpty();
    assertThat(lab.homeAgent.requests).isEmpty();
    assertThat(lab.agent.dropped()).isEqualTo(1);
  }

  @Test
  void withAnMnFaKeyARequestWithoutAValidMnFaAuthenticatorIsDeniedWith67() {
    Visiting mn = lab.node(1);
    var mnFa = new MobilitySecurityAssociation(3000, Algorithm.HMAC_MD5, MN_FA_KEY);
    lab(
        new ForeignAgentLab(
            5,
            ForeignAgentLab.ADVERTISEMENT_INTERVAL_NANOS,
            Map.of(),
            Map.of(new ForeignAgent.Mobile(HOME_AGENT, mn.home), mnFa)));
    mn = lab.node(1);
    mn.send(mn.validRequest(300));
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_MN_AUTH_FAILED);

    lab.run(1000);
    mn.send(
        mn.request(MipConstants.FLAG_REVERSE_TUNNEL, 300, CARE_OF)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, mn.mnHa)
            .authenticate(MipConstants.EXT_MN_FA_AUTH, mnFa)
            .build());
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.homeAgent.requests).hasSize(1);
  }

  @Test
  void withAnFaHaKeyAReplyTheHomeAgentDidNotSignIsDeniedWith68AndMakesNoVisitor() {
    var faHa = new MobilitySecurityAssociation(2000, Algorithm.HMAC_MD5, FA_HA_KEY);
    lab(
        new ForeignAgentLab(
            5, ForeignAgentLab.ADVERTISEMENT_INTERVAL_NANOS, Map.of(HOME_AGENT, faHa), Map.of()));
    Visiting mn = lab.node(1);
    mn.send(mn.validRequest(300));
    lab.run();
    assertThat(lab.homeAgent.requests.get(0).find(MipConstants.EXT_FA_HA_AUTH)).isNotNull();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_HA_AUTH_FAILED);
    assertThat(lab.agent.visitors()).isEmpty();

    lab.homeAgent.faHa = faHa;
    lab.run(1000);
    mn.send(mn.validRequest(300));
    lab.run();
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.agent.visitors()).hasSize(1);
  }

  // ---- at most one denial per second to a mobile node (§3.7.2.3) --------------------------------

  @Test
  void aSecondDenialToTheSameNodeWithinASecondIsNotSentButCounted() {
    Visiting mn = lab.node(1);
    Visiting other = lab.node(2);
    mn.send(mn.validRequest(MAX_LIFETIME + 1));
    lab.run();
    mn.send(mn.validRequest(MAX_LIFETIME + 1));
    mn.send(mn.request(MipConstants.FLAG_RESERVED_X, 300, CARE_OF).build());
    // Another node's denial is its own: not held back by the first node's.
    other.send(other.validRequest(MAX_LIFETIME + 1));
    lab.run();
    assertThat(mn.replies).hasSize(1);
    assertThat(other.replies).hasSize(1);
    assertThat(lab.agent.dropped()).isEqualTo(2);

    // A second later the node is answered again.
    lab.run(1000);
    mn.send(mn.validRequest(MAX_LIFETIME + 1));
    lab.run();
    assertThat(mn.replies).hasSize(2);
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.FA_LIFETIME_TOO_LONG);
    assertThat(lab.homeAgent.requests).isEmpty();
  }

  // ---- agent advertisements (§2.1.1, §2.3.2)
  // ------------------------------------------------------

  @Test
  void advertisementsCountUpByOneFromZeroAndASolicitationIsAnsweredWithTheNext() {
    lab.run(3500);
    Visiting mn = lab.node(1);
    assertThat(mn.advertisements)
        .extracting(AgentAdvertisement::sequence)
        .containsExactly(0, 1, 2, 3);
    AgentAdvertisement first = mn.advertisements.get(0);
    assertThat(first.careOfAddresses()).containsExactly(CARE_OF);
    assertThat(first.registrationLifetime()).isEqualTo(MAX_LIFETIME);
    assertThat(first.has(AgentAdvertisement.FLAG_FOREIGN_AGENT)).isTrue();
    assertThat(first.has(AgentAdvertisement.FLAG_REVERSE_TUNNEL)).isTrue();

    mn.vrf.send(
        IcmpBuilder.routerSolicitation(mn.vrf.alloc(), mn.home.toInt(), -1, 1),
        mn.vrf.interfaces().get(0),
        -1);
    lab.run(10);
    assertThat(mn.advertisements).extracting(AgentAdvertisement::sequence).endsWith(3, 4);
  }

  @Test
  void afterSequenceNumber0xffffTheNextAdvertisementCarries256() {
    long interval = TimeUnit.MILLISECONDS.toNanos(1);
    lab(new ForeignAgentLab(5, interval, Map.of(), Map.of()));
    lab.run(0x10000 + 300);
    List<Integer> sequences =
        lab.node(1).advertisements.stream().map(AgentAdvertisement::sequence).toList();
    assertThat(sequences.get(0)).isZero();
    assertThat(sequences).hasSizeGreaterThan(0x10000 + 10);
    int firstOutOfStep = -1;
    for (int i = 1; i < sequences.size() && firstOutOfStep < 0; i++) {
      int previous = sequences.get(i - 1);
      if (sequences.get(i) != (previous == 0xFFFF ? 256 : previous + 1)) {
        firstOutOfStep = i;
      }
    }
    assertThat(firstOutOfStep).as("index of the first sequence number out of step").isEqualTo(-1);
    int wrap = sequences.indexOf(0xFFFF);
    assertThat(sequences.subList(wrap, wrap + 3)).containsExactly(0xFFFF, 256, 257);
    // 0-255 are never used again: a node can tell a rebooted agent by them.
    assertThat(sequences.subList(wrap + 1, sequences.size())).allMatch(s -> s >= 256);
  }
}
