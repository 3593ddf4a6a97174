package io.mvpn.homeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A home agent with a budget of 200 registrations a second (15 a tick for new home addresses, and
 * two a tick for each bound one) under a flood of 2,000 new requests a second, or of forged
 * refreshes naming every bound address, while the nodes already bound keep renewing short bindings.
 */
class RegistrationOverloadTest {

  private static final MvpnId ACME = MvpnId.of("acme");
  private static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.51");
  private static final long SPI = 1000;
  private static final int PER_SECOND = 200;
  private static final int FLOOD_PER_TICK = 10 * PER_SECOND / 10;
  private static final int BOUND = 20;
  private static final int NEWCOMERS = 30;
  private static final int LIFETIME = 3;

  private final List<Ipv4Address> bound = addresses("10.1.0.", 10, BOUND);
  private final List<Ipv4Address> newcomers = addresses("10.1.1.", 1, NEWCOMERS);
  private final Map<Ipv4Address, MobilitySecurityAssociation> keys = new HashMap<>();
  private final MobilityLab lab;
  private final Vrf colo;
  private final List<RegistrationReply> replies = new ArrayList<>();
  private long sent;
  private long counter;

  RegistrationOverloadTest() {
    List<AssociationSpec> specs = new ArrayList<>();
    List<Ipv4Address> all = new ArrayList<>(bound);
    all.addAll(newcomers);
    for (Ipv4Address home : all) {
      byte[] key = new byte[16];
      key[0] = (byte) home.toInt();
      key[1] = (byte) (home.toInt() >>> 8);
      keys.put(home, new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, key));
      specs.add(new AssociationSpec(home, SPI, Algorithm.HMAC_MD5, key));
    }
    lab =
        MobilityLab.builder(1)
            .tenant("acme")
            .homeAgent(MobilityLab.homeAgentConfig("acme", HA, specs, List.of()))
            .mobileNode("mn")
            .colocated("colo", CARE_OF + "/24")
            .build();
    colo = lab.vrf("mn", "colo");
    TestMobileNode.collectReplies(colo, replies);
    lab.homeAgent("acme").admitAtMost(PER_SECOND);
  }

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  void underATenfoldFloodBoundNodesStayBoundAndTheExcessIsShedAndCounted() {
    VirtualHomeAgent ha = lab.homeAgent("acme");
    bindInTurns();
    long sentBefore = sent;

    // Five seconds of flood: each tick 200 new requests first (forged ones for addresses nobody
    // holds a key for, and every 20th a real newcomer trying until it is accepted), then the
    // refreshes of the two bound nodes whose turn it is. Every binding lasts 3 s: a node whose
    // refreshes were shed for 3 s would lose it.
    Set<Ipv4Address> arrived = new HashSet<>();
    int refreshesSent = 0;
    int maxPending = 0;
    for (int tick = 0; tick < 50; tick++) {
      List<Ipv4Address> waiting = newcomers.stream().filter(n -> !arrived.contains(n)).toList();
      for (int i = 0; i < FLOOD_PER_TICK; i++) {
        if (i % 20 == 0 && i / 20 < waiting.size()) {
          register(waiting.get(i / 20), 300);
        } else {
          forge(Ipv4Address.of(Ipv4Address.parse("10.1.2.0").toInt() + (tick * 7 + i) % 250));
        }
      }
      for (int n = tick % 10; n < BOUND; n += 10) {
        register(bound.get(n), LIFETIME);
        refreshesSent++;
      }
      lab.advance(100, TimeUnit.MILLISECONDS);
      maxPending = Math.max(maxPending, lab.time().pendingTasks());
      for (RegistrationReply r : replies) {
        if (newcomers.contains(Ipv4Address.of(r.homeAddress())) && r.code() == 0) {
          arrived.add(Ipv4Address.of(r.homeAddress()));
        }
      }
      for (Ipv4Address home : bound) {
        assertThat(lab.store().bindings(ACME, home)).as("%s at tick %d", home, tick).isNotEmpty();
      }
    }

    // Each tick: 15 of the flood worked on, 185 shed; every refresh worked on and accepted.
    assertThat(ha.stats().shedOverload()).isEqualTo(50L * (FLOOD_PER_TICK - 15));
    assertThat(ha.stats().shedOverload() + replies.size()).isEqualTo(sent - sentBefore);
    long refreshesAccepted =
        replies.stream()
            .filter(r -> bound.contains(Ipv4Address.of(r.homeAddress())) && r.code() == 0)
            .count();
    assertThat(refreshesAccepted).isEqualTo(refreshesSent);
    // Newcomers got through too, one a tick, at the head of the flood.
    assertThat(arrived).hasSize(NEWCOMERS);
    // Nothing piles up: what is pending is the ticks' datagrams in flight and the expiry timers.
    assertThat(maxPending).isLessThan(FLOOD_PER_TICK + BOUND + NEWCOMERS + 50);

    // After the flood, a node registers at once.
    lab.advance(1, TimeUnit.SECONDS);
    replies.clear();
    register(newcomers.get(0), 0);
    register(newcomers.get(1), 300);
    lab.advance(100, TimeUnit.MILLISECONDS);
    assertThat(replies).extracting(RegistrationReply::code).containsExactly(0, 0);
  }

  @Test
  void forgedRefreshesNamingEveryBoundAddressDoNotCrowdOutTheGenuineRenewals() {
    VirtualHomeAgent ha = lab.homeAgent("acme");
    bindInTurns();
    int refreshesSent = 0;
    for (int tick = 0; tick < 50; tick++) {
      // Each tick, ahead of the genuine renewals, a forged "refresh" for every bound address: more
      // than the whole budget of 20 a tick together.
      for (Ipv4Address home : bound) {
        forge(home);
      }
      for (int n = tick % 10; n < BOUND; n += 10) {
        register(bound.get(n), LIFETIME);
        refreshesSent++;
      }
      lab.advance(100, TimeUnit.MILLISECONDS);
      for (Ipv4Address home : bound) {
        assertThat(lab.store().bindings(ACME, home)).as("%s at tick %d", home, tick).isNotEmpty();
      }
    }
    long refreshesAccepted = replies.stream().filter(r -> r.code() == ReplyCode.ACCEPTED).count();
    assertThat(refreshesAccepted).isEqualTo(refreshesSent);
    assertThat(ha.stats().shedOverload()).as("each address's forgery fits its own quota").isZero();
  }

  /** Bound in turns, two a tick: each node renews once a second at its turn. */
  private void bindInTurns() {
    for (int tick = 0; tick < 10; tick++) {
      for (int n = tick; n < BOUND; n += 10) {
        register(bound.get(n), LIFETIME);
      }
      lab.advance(100, TimeUnit.MILLISECONDS);
    }
    assertThat(accepted()).containsAll(bound);
    replies.clear();
  }

  @Test
  void aBudgetBelowOneRequestATickIsRefused() {
    assertThatThrownBy(() -> new RegistrationAdmission(lab.time(), 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Set<Ipv4Address> accepted() {
    Set<Ipv4Address> homes = new HashSet<>();
    for (RegistrationReply r : replies) {
      if (r.code() == ReplyCode.ACCEPTED) {
        homes.add(Ipv4Address.of(r.homeAddress()));
      }
    }
    return homes;
  }

  private void register(Ipv4Address home, int lifetime) {
    send(request(home, lifetime).authenticate(MipConstants.EXT_MN_HA_AUTH, keys.get(home)));
  }

  /** Signed with a key the home agent does not hold for that address. */
  private void forge(Ipv4Address home) {
    send(
        request(home, 300)
            .authenticate(
                MipConstants.EXT_MN_HA_AUTH,
                new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, new byte[16])));
  }

  private RegistrationBuilder request(Ipv4Address home, int lifetime) {
    long seconds = lab.time().nanoTime() / 1_000_000_000L + MipConstants.NTP_UNIX_OFFSET_SECONDS;
    return RegistrationBuilder.request(
        colo.alloc(),
        MipConstants.FLAG_DECAPSULATION_BY_MN,
        lifetime,
        home.toInt(),
        HA.toInt(),
        CARE_OF.toInt(),
        (seconds << 32) | ++counter);
  }

  private void send(RegistrationBuilder request) {
    ByteBuf payload = request.build();
    try {
      colo.sendUdp(CARE_OF, HA, MipConstants.PORT, MipConstants.PORT, payload);
      sent++;
    } finally {
      payload.release();
    }
  }

  private static List<Ipv4Address> addresses(String prefix, int first, int count) {
    List<Ipv4Address> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(Ipv4Address.parse(prefix + (first + i)));
    }
    return list;
  }
}
