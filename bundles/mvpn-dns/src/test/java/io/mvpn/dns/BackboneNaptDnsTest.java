package io.mvpn.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Vrf;
import io.mvpn.net.nat.TenantNapt;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Seed 002 c19-22 in virtual time: acme and globex, both with a node at 10.1.0.5, reach the mobile
 * service manager's DNS on the backbone through the backbone's NAPT at the same moment, from the
 * same private address and port. The NAPT keeps them apart by tenant, and the DNS, asking the NAPT
 * who is behind each public port, answers each as the member it is.
 */
class BackboneNaptDnsTest {

  static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address MSM = Ipv4Address.parse("198.51.100.53");
  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");

  Lab lab;
  TenantNapt napt;
  final List<String> answers = new ArrayList<>();

  void build(int ports) {
    TopologyBuilder b = new TopologyBuilder(2026);
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      b.segment(t + "-lan", "1ms");
    }
    b.node("appliance")
        .vrf("backbone")
        .vrf("acme")
        .iface("acme-lan", "acme-lan", "10.1.0.1/16")
        .vrf("globex")
        .iface("globex-lan", "globex-lan", "10.1.0.1/16");
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      b.node(t + "-mn")
          .vrf("main")
          .iface("eth0", t + "-lan", "10.1.0.5/16")
          .route("0.0.0.0/0", "10.1.0.1");
    }
    lab = Lab.virtual(b.build());
    Vrf backbone = lab.vrf("appliance", "backbone");
    napt = new TenantNapt(backbone, PUBLIC, 40000, 40000 + ports - 1, 60, TimeUnit.SECONDS);
    napt.attach(ACME, lab.vrf("appliance", "acme"));
    napt.attach(GLOBEX, lab.vrf("appliance", "globex"));

    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    directory.putMember(new Member(new MemberId(ACME, FIVE), "alice.wg.mvpn.example", PUBLIC));
    directory.putMember(new Member(new MemberId(GLOBEX, FIVE), "bob.wg.mvpn.example", PUBLIC));
    MemberId carol = new MemberId(INITECH, Ipv4Address.parse("10.9.0.9"));
    directory.putMember(new Member(carol, "carol.wg.mvpn.example", PUBLIC));
    directory.addWorkgroup("bridge");
    directory.join("bridge", new MemberId(ACME, FIVE));
    directory.join("bridge", carol);
    WorkgroupZone zone = new WorkgroupZone(directory);

    // The MSM's DNS on the backbone (c20, c21): the asker is whoever the NAPT says.
    backbone.addLocalAddress(MSM);
    backbone.bindUdp(
        53,
        (v, in, d) -> {
          var inside = napt.insideOf(d.sourcePort());
          if (inside.isEmpty()) {
            return;
          }
          byte[] reply =
              zone.answer(
                  ByteBufUtil.getBytes(d.payload()),
                  new MemberId(inside.get().tenant(), inside.get().address()),
                  WorkgroupZone.Transport.UDP);
          ByteBuf out = Unpooled.wrappedBuffer(reply);
          v.sendUdp(MSM, Ipv4Address.of(d.ip().source()), 53, d.sourcePort(), out);
          out.release();
        });
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      lab.vrf(t + "-mn", "main")
          .bindUdp(
              5353,
              (v, in, d) -> {
                try {
                  Message m = new Message(ByteBufUtil.getBytes(d.payload()));
                  answers.add(
                      t
                          + " "
                          + Rcode.string(m.getRcode())
                          + " "
                          + m.getSection(Section.ANSWER).stream()
                              .map(Record::rdataToString)
                              .toList());
                } catch (java.io.IOException e) {
                  throw new AssertionError(e);
                }
              });
    }
  }

  void ask(MvpnId tenant, String name) throws Exception {
    byte[] query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)).toWire();
    ByteBuf q = Unpooled.wrappedBuffer(query);
    lab.vrf(tenant + "-mn", "main").sendUdp(FIVE, MSM, 5353, 53, q);
    q.release();
  }

  @Test
  void twoTenantsFromTheSameAddressAndPortEachGetTheirOwnAnswer() throws Exception {
    build(16);
    ask(ACME, "carol.wg.mvpn.example.");
    ask(GLOBEX, "carol.wg.mvpn.example.");
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
    // acme's 10.1.0.5 shares a workgroup with carol; globex's 10.1.0.5 does not.
    assertThat(answers).containsExactlyInAnyOrder("acme NOERROR [10.9.0.9]", "globex NXDOMAIN []");
    assertThat(napt.mappings()).hasSize(2);
    assertThat(napt.mappings())
        .extracting(m -> m.inside().tenant())
        .containsExactlyInAnyOrder(ACME, GLOBEX);
  }

  @Test
  void aFullPortPoolRefusesNewFlowsClearlyAndIdleOnesAreReclaimed() throws Exception {
    build(1);
    ask(ACME, "carol.wg.mvpn.example.");
    ask(GLOBEX, "carol.wg.mvpn.example.");
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
    assertThat(answers).containsExactly("acme NOERROR [10.9.0.9]");
    assertThat(napt.exhausted()).isEqualTo(1);
    // globex's host was told at once: an ICMP "administratively prohibited" reached it.
    assertThat(lab.vrf("globex-mn", "main").counters().delivered()).isEqualTo(1);
    // After the idle timeout the port serves the next flow.
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 61_000_000_000L);
    ask(GLOBEX, "carol.wg.mvpn.example.");
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
    assertThat(answers).containsExactly("acme NOERROR [10.9.0.9]", "globex NXDOMAIN []");
  }
}
