package io.mvpn.workgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.mvpn.workgroup.WorkgroupFilter.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkgroupFilterTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address ACME_GW = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_GW = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address INITECH_GW = Ipv4Address.parse("203.0.113.30");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address SIX = Ipv4Address.parse("10.1.0.6");
  static final Ipv4Address NINE = Ipv4Address.parse("10.9.0.9");

  final InMemoryWorkgroupDirectory dir = new InMemoryWorkgroupDirectory();

  WorkgroupFilterTest() {
    dir.putMember(new Member(new MemberId(ACME, FIVE), "a5.acme.example", ACME_GW));
    dir.putMember(new Member(new MemberId(ACME, SIX), "a6.acme.example", ACME_GW));
    dir.putMember(new Member(new MemberId(GLOBEX, FIVE), "g5.globex.example", GLOBEX_GW));
    dir.putMember(new Member(new MemberId(INITECH, NINE), "i9.initech.example", INITECH_GW));
    dir.addWorkgroup("bridge");
    dir.join("bridge", new MemberId(ACME, FIVE));
    dir.join("bridge", new MemberId(GLOBEX, FIVE));
    dir.join("bridge", new MemberId(INITECH, NINE));
  }

  @Test
  void theTunnelSourceTellsWhichRealmTheInnerSourceBelongsTo() {
    WorkgroupFilter atGlobex = new WorkgroupFilter(GLOBEX, dir);
    // acme's 10.1.0.5 to globex's 10.1.0.5: same addresses, different realms, one workgroup.
    assertThat(atGlobex.check(ACME_GW, FIVE, FIVE)).isEqualTo(Verdict.ADMIT);
    assertThat(atGlobex.check(INITECH_GW, NINE, FIVE)).isEqualTo(Verdict.ADMIT);
    // acme's 10.1.0.6 is no workgroup member: a spoofed inner source is not admitted.
    assertThat(atGlobex.check(ACME_GW, SIX, FIVE)).isEqualTo(Verdict.UNKNOWN_INITIATOR);
    // initiech's member arriving through acme's gateway: the wrong tunnel source.
    assertThat(atGlobex.check(ACME_GW, NINE, FIVE)).isEqualTo(Verdict.UNKNOWN_INITIATOR);
    assertThat(atGlobex.check(Ipv4Address.parse("203.0.113.99"), FIVE, FIVE))
        .isEqualTo(Verdict.UNKNOWN_GATEWAY);
    // Only targets in the workgroup.
    assertThat(atGlobex.check(ACME_GW, FIVE, SIX)).isEqualTo(Verdict.NOT_PERMITTED);
    assertThat(atGlobex.count(Verdict.ADMIT)).isEqualTo(2);
    assertThat(atGlobex.count(Verdict.UNKNOWN_INITIATOR)).isEqualTo(2);
  }

  @Test
  void aMemberWhoLeavesIsDroppedFromTheNextPacketOn() {
    WorkgroupFilter atGlobex = new WorkgroupFilter(GLOBEX, dir);
    assertThat(atGlobex.check(INITECH_GW, NINE, FIVE)).isEqualTo(Verdict.ADMIT);
    dir.leave("bridge", new MemberId(INITECH, NINE));
    assertThat(atGlobex.check(INITECH_GW, NINE, FIVE)).isEqualTo(Verdict.UNKNOWN_GATEWAY);
    dir.removeMember(new MemberId(ACME, FIVE));
    assertThat(atGlobex.check(ACME_GW, FIVE, FIVE)).isNotEqualTo(Verdict.ADMIT);
    atGlobex.close();
  }

  @Test
  void aGatewayAddressClaimedByTwoTenantsIndexesNothing() {
    dir.putMember(
        new Member(new MemberId(INITECH, Ipv4Address.parse("10.9.0.10")), "x.initech", ACME_GW));
    WorkgroupFilter atGlobex = new WorkgroupFilter(GLOBEX, dir);
    assertThat(atGlobex.check(ACME_GW, FIVE, FIVE)).isEqualTo(Verdict.UNKNOWN_GATEWAY);
  }

  /**
   * ≥ 10,000 random datagrams over 24 tenants whose realms all overlap (10.1.0.1-10.1.0.12) and
   * random workgroups, checked against an oracle computed from the workgroup sets alone: every
   * admitted datagram is permitted, every permitted one is admitted.
   */
  @Test
  void admitsExactlyWhatTheMembershipModelPermits() {
    Random random = new Random(20261130);
    int tenants = 24;
    InMemoryWorkgroupDirectory d = new InMemoryWorkgroupDirectory();
    List<MemberId> all = new ArrayList<>();
    Map<MvpnId, Ipv4Address> gateways = new HashMap<>();
    for (int t = 0; t < tenants; t++) {
      MvpnId id = MvpnId.of("t" + t);
      Ipv4Address gw = Ipv4Address.of(Ipv4Address.parse("198.51.100.100").toInt() + t);
      gateways.put(id, gw);
      for (int h = 1; h <= 12; h++) {
        if (random.nextInt(3) > 0) {
          MemberId m = new MemberId(id, Ipv4Address.parse("10.1.0." + h));
          d.putMember(new Member(m, "h" + h + ".t" + t + ".example", gw));
          all.add(m);
        }
      }
    }
    Map<String, Set<MemberId>> groups = new HashMap<>();
    for (int g = 0; g < 15; g++) {
      String name = "wg" + g;
      d.addWorkgroup(name);
      Set<MemberId> members = new HashSet<>();
      int size = 2 + random.nextInt(8);
      for (int i = 0; i < size; i++) {
        MemberId m = all.get(random.nextInt(all.size()));
        d.join(name, m);
        members.add(m);
      }
      groups.put(name, members);
    }
    Map<MvpnId, WorkgroupFilter> filters = new HashMap<>();
    gateways.keySet().forEach(t -> filters.put(t, new WorkgroupFilter(t, d)));
    List<MvpnId> tenantIds = new ArrayList<>(gateways.keySet());

    int admitted = 0;
    int permitted = 0;
    for (int i = 0; i < 20_000; i++) {
      MvpnId from;
      MvpnId to;
      Ipv4Address src;
      Ipv4Address dst;
      if (random.nextBoolean()) {
        // Half the traffic between two members of one workgroup, to exercise admission.
        List<MemberId> members = new ArrayList<>(groups.get("wg" + random.nextInt(15)));
        MemberId a = members.get(random.nextInt(members.size()));
        MemberId b = members.get(random.nextInt(members.size()));
        from = a.tenant();
        to = b.tenant();
        src = a.privateAddress();
        dst = b.privateAddress();
      } else {
        from = tenantIds.get(random.nextInt(tenants));
        to = tenantIds.get(random.nextInt(tenants));
        src = Ipv4Address.parse("10.1.0." + (1 + random.nextInt(14)));
        dst = Ipv4Address.parse("10.1.0." + (1 + random.nextInt(14)));
      }
      // Mostly the initiator's own gateway; sometimes another tenant's (the wrong tunnel source,
      // or a spoofed inner source behind it) or a stranger's.
      int roll = random.nextInt(10);
      Ipv4Address tunnel =
          roll < 8
              ? gateways.get(from)
              : roll == 8
                  ? gateways.get(tenantIds.get(random.nextInt(tenants)))
                  : Ipv4Address.parse("203.0.113." + random.nextInt(256));
      MvpnId realm = null;
      for (Map.Entry<MvpnId, Ipv4Address> e : gateways.entrySet()) {
        if (e.getValue().equals(tunnel)) {
          realm = e.getKey();
        }
      }
      boolean oracle = false;
      if (realm != null && !realm.equals(to)) {
        MemberId a = new MemberId(realm, src);
        MemberId b = new MemberId(to, dst);
        for (Set<MemberId> members : groups.values()) {
          if (members.contains(a) && members.contains(b)) {
            oracle = true;
          }
        }
      }
      boolean admit = filters.get(to).check(tunnel, src, dst) == Verdict.ADMIT;
      assertThat(admit).as("packet %d: %s %s -> %s@%s", i, tunnel, src, dst, to).isEqualTo(oracle);
      admitted += admit ? 1 : 0;
      permitted += oracle ? 1 : 0;
    }
    // The sample must exercise both outcomes to mean anything.
    assertThat(permitted).isGreaterThan(3_000);
    assertThat(20_000 - permitted).isGreaterThan(3_000);
    assertThat(admitted).isEqualTo(permitted);
  }
}
