package io.mvpn.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.ZoneSettings;
import io.mvpn.dns.internal.WorkgroupDnsServer;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.net.Vrf;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
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
  ApplianceNapt napt;
  WorkgroupDnsServer dns;
  MsmDns msm;
  final List<String> answers = new ArrayList<>();
  final List<Message> replies = new ArrayList<>();
  InMemoryWorkgroupDirectory directory;

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
    napt =
        new ApplianceNapt(
            backbone, PUBLIC, 40000, 40000 + ports - 1, NaptTimeouts.udp(Duration.ofSeconds(60)));
    napt.attach(ACME, lab.vrf("appliance", "acme"));
    napt.attach(GLOBEX, lab.vrf("appliance", "globex"));

    directory = new InMemoryWorkgroupDirectory();
    directory.putMember(new Member(new MemberId(ACME, FIVE), "alice.wg.mvpn.example", PUBLIC));
    directory.putMember(new Member(new MemberId(GLOBEX, FIVE), "bob.wg.mvpn.example", PUBLIC));
    MemberId carol = new MemberId(INITECH, Ipv4Address.parse("10.9.0.9"));
    directory.putMember(new Member(carol, "carol.wg.mvpn.example", PUBLIC));
    directory.addWorkgroup("bridge");
    directory.join("bridge", new MemberId(ACME, FIVE));
    directory.join("bridge", carol);
    // The MSM's DNS on the backbone (c20, c21), answered by the DNS service as whoever the NAPT
    // says is behind the query's port.
    dns = new WorkgroupDnsServer(directory, ZoneSettings.defaults());
    msm = new MsmDns(backbone, MSM, napt.gateway);
    msm.use(dns);
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      lab.vrf(t + "-mn", "main")
          .bindUdp(
              5353,
              (v, in, d) -> {
                try {
                  Message m = new Message(ByteBufUtil.getBytes(d.payload()));
                  replies.add(m);
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
    send(tenant, Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
  }

  void send(MvpnId tenant, Message message) {
    ByteBuf q = Unpooled.wrappedBuffer(message.toWire());
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

  void settle() {
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
  }

  static Message cookieQuery(CookieOption cookie) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("carol.wg.mvpn.example."), Type.A, 1));
    q.addRecord(new OPTRecord(1232, 0, 0, 0, cookie), Section.ADDITIONAL);
    return q;
  }

  static CookieOption cookieOf(Message m) {
    return (CookieOption) m.getOPT().getOptions(EDNSOption.Code.COOKIE).get(0);
  }

  /**
   * RFC 7873 §5.2 through the backbone: the server cookie acme's node gets with one answer is valid
   * on its next query, because one DNS server with one secret answers both.
   */
  @Test
  void aServerCookieFromOneAnswerThroughTheNaptValidatesOnTheNextQuery() throws Exception {
    build(16);
    byte[] client = {9, 8, 7, 6, 5, 4, 3, 2};
    send(ACME, cookieQuery(new CookieOption(client)));
    settle();
    CookieOption issued = cookieOf(replies.get(0));
    assertThat(issued.getClientCookie()).isEqualTo(client);

    Message again = cookieQuery(new CookieOption(client, issued.getServerCookie().orElseThrow()));
    assertThat(dns.zone().hasValidServerCookie(again, new MemberId(ACME, FIVE))).isTrue();
    send(ACME, again);
    settle();
    assertThat(replies).hasSize(2);
    assertThat(replies.get(1).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers.get(1)).isEqualTo("acme NOERROR [10.9.0.9]");
    assertThat(msm.answered()).isEqualTo(2);
  }

  /**
   * The NAPT bundle is updated: while no NAPT service is bound, datagrams either way are dropped
   * and counted; the next instance over the same store carries the flow on with its public port.
   */
  @Test
  void whileTheNaptIsAwayDatagramsAreCountedAndTheNextInstanceKeepsThePort() throws Exception {
    build(16);
    // globex first, so acme's flow is not simply on the pool's first port.
    ask(GLOBEX, "carol.wg.mvpn.example.");
    ask(ACME, "carol.wg.mvpn.example.");
    settle();
    int acmePort = publicPort(ACME);
    assertThat(acmePort).isEqualTo(40001);

    napt.gateway.release(napt.manager);
    ask(ACME, "carol.wg.mvpn.example.");
    settle();
    assertThat(napt.gateway.withoutNapt()).isEqualTo(1);
    assertThat(answers).hasSize(2);

    napt.manager =
        new NaptManager(napt.store, PUBLIC, 40000, 40015, NaptTimeouts.udp(Duration.ofSeconds(60)));
    napt.gateway.use(napt.manager);
    ask(ACME, "carol.wg.mvpn.example.");
    settle();
    assertThat(publicPort(ACME)).isEqualTo(acmePort);
    assertThat(answers).hasSize(3).last().isEqualTo("acme NOERROR [10.9.0.9]");
    // The DNS did not need it: the NAPT said who is behind the port.
    assertThat(msm.unanswered()).isZero();
  }

  @Test
  void aQueryWhileTheDnsIsAwayIsCountedAndTheNextDnsAnswers() throws Exception {
    build(16);
    msm.release(dns);
    ask(ACME, "carol.wg.mvpn.example.");
    settle();
    assertThat(answers).isEmpty();
    assertThat(msm.unanswered()).isEqualTo(1);
    msm.use(new WorkgroupDnsServer(directory, ZoneSettings.defaults()));
    ask(ACME, "carol.wg.mvpn.example.");
    settle();
    assertThat(answers).containsExactly("acme NOERROR [10.9.0.9]");
  }

  int publicPort(MvpnId tenant) {
    return napt.mappings().stream()
        .filter(m -> m.inside().tenant().equals(tenant))
        .findFirst()
        .orElseThrow()
        .publicPort();
  }
}
