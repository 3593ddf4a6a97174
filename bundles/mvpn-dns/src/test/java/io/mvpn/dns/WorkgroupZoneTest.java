package io.mvpn.dns;

import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.ALICE_NAME;
import static io.mvpn.dns.Fixture.BOB;
import static io.mvpn.dns.Fixture.BOB_NAME;
import static io.mvpn.dns.Fixture.CAROL;
import static io.mvpn.dns.Fixture.CAROL_NAME;
import static io.mvpn.dns.Fixture.DAVE;
import static io.mvpn.dns.Fixture.DAVE_NAME;
import static io.mvpn.dns.Fixture.ERIN;
import static io.mvpn.dns.Fixture.ERIN_NAME;
import static io.mvpn.dns.Fixture.STRANGER;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.WorkgroupZone.Transport;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class WorkgroupZoneTest {

  private static final byte[] CLIENT_COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private InMemoryWorkgroupDirectory directory;
  private WorkgroupZone zone;

  @BeforeEach
  void setUp() {
    directory = Fixture.directory();
    zone = new WorkgroupZone(directory, ZoneSettings.defaults(), cookies(T0));
  }

  private static ServerCookies cookies(Instant now) {
    return new ServerCookies(new byte[32], Clock.fixed(now, ZoneOffset.UTC));
  }

  // ---- who sees what

  /** The membership model, written out independently of the directory's own answers. */
  static final Map<MemberId, Set<String>> SEES =
      Map.of(
          ALICE, Set.of(ALICE_NAME, CAROL_NAME, DAVE_NAME),
          BOB, Set.of(BOB_NAME, CAROL_NAME),
          CAROL, Set.of(CAROL_NAME, ALICE_NAME, DAVE_NAME, BOB_NAME),
          DAVE, Set.of(DAVE_NAME, ALICE_NAME, CAROL_NAME),
          ERIN, Set.of(ERIN_NAME),
          STRANGER, Set.of());

  static final Map<String, String> ADDRESS =
      Map.of(
          ALICE_NAME, "10.1.0.5",
          BOB_NAME, "10.1.0.5",
          CAROL_NAME, "10.2.0.7",
          DAVE_NAME, "10.1.0.6",
          ERIN_NAME, "10.1.0.9");

  @Test
  void eachAskerGetsExactlyTheNamesTheMembershipModelPermits() throws IOException {
    for (MemberId asker : Fixture.ASKERS) {
      for (String name : ADDRESS.keySet()) {
        Message r = ask(asker, name, Type.A);
        String who = asker + " asking " + name;
        assertThat(r.getHeader().getFlag(Flags.AA)).as(who).isTrue();
        assertThat(r.getHeader().getFlag(Flags.RA)).as(who).isFalse();
        if (SEES.get(asker).contains(name)) {
          assertThat(r.getRcode()).as(who).isEqualTo(Rcode.NOERROR);
          assertThat(r.getSection(Section.ANSWER)).as(who).hasSize(1);
          ARecord a = (ARecord) r.getSection(Section.ANSWER).get(0);
          assertThat(a.getName()).as(who).isEqualTo(Name.fromString(name));
          assertThat(a.getAddress().getHostAddress()).as(who).isEqualTo(ADDRESS.get(name));
          assertThat(a.getTTL()).isEqualTo(60);
          assertThat(r.getSection(Section.AUTHORITY)).as(who).isEmpty();
        } else {
          assertThat(r.getRcode()).as(who).isEqualTo(Rcode.NXDOMAIN);
          assertThat(r.getSection(Section.ANSWER)).as(who).isEmpty();
          assertThat(r.getSection(Section.AUTHORITY)).as(who).hasSize(1);
        }
      }
    }
  }

  @Test
  void theSamePrivateAddressInTwoTenantsSeesTwoDifferentZones() throws IOException {
    assertThat(ALICE.privateAddress()).isEqualTo(BOB.privateAddress());
    assertThat(ask(ALICE, DAVE_NAME, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask(BOB, DAVE_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask(ALICE, BOB_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask(BOB, ALICE_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    // a realm-less asker with the same address sees nothing at all
    assertThat(ask(STRANGER, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void hiddenNamesAndMissingNamesGetTheSameAnswer() throws IOException {
    // "bob" exists but alice may not see it; "zed" does not exist: same length, same ID
    Message qh = query(BOB_NAME, Type.A);
    Message qm = query("zed.wg.mvpn.example.", Type.A);
    qm.getHeader().setID(qh.getHeader().getID());
    byte[] h = zone.answer(qh.toWire(), ALICE, Transport.UDP);
    byte[] m = zone.answer(qm.toWire(), ALICE, Transport.UDP);
    assertThat(shape(new Message(h))).isEqualTo(shape(new Message(m)));
    assertThat(h).hasSameSizeAs(m);
    // byte for byte, but for the three letters of the question's first label
    List<Integer> differ = new ArrayList<>();
    for (int i = 0; i < h.length; i++) {
      if (h[i] != m[i]) {
        differ.add(i);
      }
    }
    assertThat(differ).allMatch(i -> i >= 13 && i < 16);
  }

  @Test
  void membershipChangesApplyToTheNextQuery() throws IOException {
    assertThat(ask(ALICE, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    directory.leave("project", CAROL);
    assertThat(ask(ALICE, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    directory.join("ops", ALICE);
    assertThat(ask(ALICE, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask(ALICE, BOB_NAME, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    directory.removeMember(BOB);
    assertThat(ask(ALICE, BOB_NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void namesAreCaseInsensitiveAndAnsweredAsAsked() throws IOException {
    Message r = ask(ALICE, "CaRoL.WG.mvpn.EXAMPLE.", Type.A);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(r.getSection(Section.ANSWER).get(0).getName().toString())
        .isEqualTo("CaRoL.WG.mvpn.EXAMPLE.");
  }

  // ---- types, apex, empty non-terminals

  @Test
  void otherTypesOfAVisibleNameAreNodataWithSoa() throws IOException {
    for (int type : new int[] {Type.AAAA, Type.MX, Type.TXT, Type.NS, Type.CNAME, Type.SOA}) {
      Message r = ask(ALICE, CAROL_NAME, type);
      assertThat(r.getRcode()).as(Type.string(type)).isEqualTo(Rcode.NOERROR);
      assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(r.getSection(Section.ANSWER)).as(Type.string(type)).isEmpty();
      assertSoaAuthority(r);
    }
    // and for a hidden name they are NXDOMAIN like A
    assertThat(ask(ALICE, BOB_NAME, Type.AAAA).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void anyOfAVisibleNameGivesItsAddress() throws IOException {
    Message r = ask(ALICE, CAROL_NAME, Type.ANY);
    assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    assertThat(r.getSection(Section.ANSWER).get(0).getType()).isEqualTo(Type.A);
  }

  @Test
  void theApexAnswersSoaAndNodataOtherwise() throws IOException {
    Message soa = ask(BOB, "wg.mvpn.example.", Type.SOA);
    assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
    SOARecord s = (SOARecord) soa.getSection(Section.ANSWER).get(0);
    assertThat(s.getName()).isEqualTo(Name.fromString("wg.mvpn.example."));
    assertThat(s.getMinimum()).isEqualTo(60);
    Message a = ask(BOB, "wg.mvpn.example.", Type.A);
    assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.getSection(Section.ANSWER)).isEmpty();
    assertSoaAuthority(a);
  }

  @Test
  void aNameAboveAVisibleNameIsNodataButOnlyForThoseWhoSeeIt() throws IOException {
    for (MemberId asker : List.of(ALICE, CAROL, DAVE)) {
      Message r = ask(asker, "eng.wg.mvpn.example.", Type.A);
      assertThat(r.getRcode()).as(asker.toString()).isEqualTo(Rcode.NOERROR);
      assertThat(r.getSection(Section.ANSWER)).isEmpty();
      assertSoaAuthority(r);
    }
    for (MemberId asker : List.of(BOB, ERIN, STRANGER)) {
      assertThat(ask(asker, "eng.wg.mvpn.example.", Type.A).getRcode())
          .as(asker.toString())
          .isEqualTo(Rcode.NXDOMAIN);
    }
  }

  @Test
  void negativeAnswersCarryTheSoaWithTheNegativeTtl() throws IOException {
    zone = new WorkgroupZone(directory, ZoneSettings.defaults().withTtl(300, 30), cookies(T0));
    Message r = ask(ALICE, BOB_NAME, Type.A);
    SOARecord soa = (SOARecord) r.getSection(Section.AUTHORITY).get(0);
    assertThat(soa.getTTL()).isEqualTo(30);
    assertThat(soa.getMinimum()).isEqualTo(30);
    assertThat(ask(ALICE, CAROL_NAME, Type.A).getSection(Section.ANSWER).get(0).getTTL())
        .isEqualTo(300);
  }

  // ---- refused

  @Test
  void namesOutsideTheZoneAreRefusedWithoutAuthority() throws IOException {
    for (String name : List.of("www.example.com.", "mvpn.example.", ".", "xwg.mvpn.example.")) {
      Message r = ask(ALICE, name, Type.A);
      assertThat(r.getRcode()).as(name).isEqualTo(Rcode.REFUSED);
      assertThat(r.getHeader().getFlag(Flags.AA)).as(name).isFalse();
      assertThat(r.getHeader().getFlag(Flags.RA)).as(name).isFalse();
      assertThat(r.getSection(Section.ANSWER)).isEmpty();
      assertThat(r.getSection(Section.AUTHORITY)).isEmpty();
      assertThat(r.getQuestion().getName()).isEqualTo(Name.fromString(name));
    }
  }

  @Test
  void unknownAskersOtherClassesAndTransfersAreRefused() throws IOException {
    assertThat(ask(null, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask(null, "wg.mvpn.example.", Type.SOA).getRcode()).isEqualTo(Rcode.REFUSED);
    Message chaos =
        Message.newQuery(Record.newRecord(Name.fromString(CAROL_NAME), Type.A, DClass.CH));
    assertThat(wire(chaos, ALICE).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask(CAROL, "wg.mvpn.example.", Type.AXFR).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask(CAROL, "wg.mvpn.example.", Type.IXFR).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void zoneOriginIsConfigurable() throws IOException {
    directory.putMember(
        new io.mvpn.api.workgroup.Member(
            Fixture.id("gamma", "10.2.0.8"),
            "frank.corp.example",
            io.mvpn.api.Ipv4Address.parse("198.51.100.3")));
    directory.join("ops", Fixture.id("gamma", "10.2.0.8"));
    zone = new WorkgroupZone(directory, ZoneSettings.of("corp.example"), cookies(T0));
    assertThat(zone.origin()).isEqualTo(Name.fromString("corp.example."));
    assertThat(ask(BOB, "frank.corp.example.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask(ALICE, "frank.corp.example.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask(BOB, CAROL_NAME, Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  // ---- header rules

  @Test
  void headerFlagsAndIdAreThoseOfAnAuthoritativeServer() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.getHeader().setID(0xBEEF);
    q.getHeader().setFlag(Flags.CD);
    Message r = wire(q, ALICE);
    assertThat(r.getHeader().getID()).isEqualTo(0xBEEF);
    assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.CD)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.RA)).isFalse();
    assertThat(r.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(r.getQuestion()).isEqualTo(q.getQuestion());
  }

  @Test
  void opcodesOtherThanQueryAreNotImplemented() throws IOException {
    for (int opcode : new int[] {Opcode.IQUERY, Opcode.STATUS, Opcode.NOTIFY, Opcode.UPDATE}) {
      Message q = query(CAROL_NAME, Type.A);
      q.getHeader().setOpcode(opcode);
      Message r = wire(q, ALICE);
      assertThat(r.getRcode()).as(Opcode.string(opcode)).isEqualTo(Rcode.NOTIMP);
      assertThat(r.getHeader().getOpcode()).isEqualTo(opcode);
      assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }
    assertThat(zone.counters().notimp()).isEqualTo(4);
  }

  @Test
  void moreOrFewerThanOneQuestionIsFormerr() throws IOException {
    Message two = query(CAROL_NAME, Type.A);
    two.addRecord(
        Record.newRecord(Name.fromString(ALICE_NAME), Type.A, DClass.IN), Section.QUESTION);
    assertThat(wire(two, ALICE).getRcode()).isEqualTo(Rcode.FORMERR);
    Message none = new Message();
    assertThat(wire(none, ALICE).getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(zone.counters().formerr()).isEqualTo(2);
  }

  @Test
  void malformedQueriesWithAHeaderGetFormerrShorterOnesAreDropped() throws IOException {
    byte[] good = query(CAROL_NAME, Type.A).toWire();
    // the header promises a question that is cut short
    byte[] cut = Arrays.copyOf(good, good.length - 3);
    byte[] r = zone.answer(cut, ALICE, Transport.UDP);
    Message m = new Message(r);
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(m.getHeader().getID()).isEqualTo(new Message(good).getHeader().getID());
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    // a label pointing to itself
    byte[] loop =
        ByteBuffer.allocate(18)
            .putShort((short) 7)
            .putShort((short) 0x0100)
            .putShort((short) 1)
            .putShort((short) 0)
            .putShort((short) 0)
            .putShort((short) 0)
            .putShort((short) 0xC00C)
            .putShort((short) 1)
            .putShort((short) 1)
            .array();
    assertThat(new Message(zone.answer(loop, ALICE, Transport.UDP)).getRcode())
        .isEqualTo(Rcode.FORMERR);

    assertThat(zone.answer(new byte[0], ALICE, Transport.UDP)).isNull();
    assertThat(zone.answer(Arrays.copyOf(good, 11), ALICE, Transport.UDP)).isNull();
    assertThat(zone.counters().formerr()).isEqualTo(2);
    assertThat(zone.counters().dropped()).isEqualTo(2);
  }

  @Test
  void theCountsByAskerTenantAddUpToTheTotals() throws IOException {
    for (MemberId asker : Fixture.ASKERS) {
      for (String name : ADDRESS.keySet()) {
        ask(asker, name, Type.A);
      }
    }
    zone.answer(query(CAROL_NAME, Type.A).toWire(), null, Transport.UDP); // no member: refused
    zone.answer(new byte[3], BOB, Transport.UDP); // dropped, counted for bob's tenant

    Map<String, DnsCounters> byTenant = zone.countersByTenant();

    assertThat(byTenant).containsOnlyKeys("", "acme", "beta", "gamma", "delta");
    // acme: alice and dave, each seeing three of the five names
    assertThat(byTenant.get("acme")).isEqualTo(new DnsCounters(10, 6, 0, 4, 0, 0, 0, 0, 0));
    assertThat(byTenant.get("beta")).isEqualTo(new DnsCounters(11, 3, 0, 7, 0, 0, 0, 0, 1));
    assertThat(byTenant.get("delta")).isEqualTo(new DnsCounters(5, 0, 0, 5, 0, 0, 0, 0, 0));
    assertThat(byTenant.get("")).isEqualTo(new DnsCounters(1, 0, 0, 0, 1, 0, 0, 0, 0));
    DnsCounters total = zone.counters();
    assertThat(byTenant.values().stream().mapToLong(DnsCounters::queries).sum())
        .isEqualTo(total.queries())
        .isEqualTo(32);
    assertThat(byTenant.values().stream().mapToLong(DnsCounters::answers).sum())
        .isEqualTo(total.answers());
    assertThat(byTenant.values().stream().mapToLong(DnsCounters::nxdomain).sum())
        .isEqualTo(total.nxdomain());
    assertThat(byTenant.values().stream().mapToLong(DnsCounters::refused).sum())
        .isEqualTo(total.refused())
        .isEqualTo(1);
    assertThat(byTenant.values().stream().mapToLong(DnsCounters::dropped).sum())
        .isEqualTo(total.dropped())
        .isEqualTo(1);
  }

  @Test
  void responsesAreNeverAnswered() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.getHeader().setFlag(Flags.QR);
    assertThat(zone.answer(q.toWire(), ALICE, Transport.UDP)).isNull();
    assertThat(zone.answer(q, ALICE)).isNull();
    assertThat(zone.counters().dropped()).isEqualTo(2);
  }

  // ---- EDNS0 and cookies

  @Test
  void anOptInTheQueryGetsAnOptBackAndNoneOtherwise() throws IOException {
    Message plain = wire(query(CAROL_NAME, Type.A), ALICE);
    assertThat(plain.getOPT()).isNull();

    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(r.getOPT()).isNotNull();
    assertThat(r.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(r.getOPT().getVersion()).isZero();
    assertThat(r.getOPT().getFlags()).isZero();
    assertThat(r.getOPT().getOptions()).isEmpty();
    // negative answers keep it too
    Message n = query(BOB_NAME, Type.A);
    n.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    assertThat(wire(n, ALICE).getOPT()).isNotNull();
  }

  @Test
  void theDoBitIsCopiedAndOtherEdnsFlagsAreNot() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO | 0x0001), Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getOPT().getFlags()).isEqualTo(ExtendedFlags.DO);
    assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    assertThat(r.getSection(Section.ANSWER).get(0).getType()).isEqualTo(Type.A);
  }

  @Test
  void ednsVersionAboveZeroIsBadvers() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(1232, 0, 1, 0, new CookieOption(CLIENT_COOKIE)), Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
    assertThat(r.getHeader().getRcode()).isZero();
    assertThat(r.getOPT().getExtendedRcode()).isEqualTo(1);
    assertThat(r.getOPT().getVersion()).isZero();
    assertThat(r.getSection(Section.ANSWER)).isEmpty();
    assertThat(cookieOf(r).getClientCookie()).isEqualTo(CLIENT_COOKIE);
    assertThat(zone.counters().badvers()).isEqualTo(1);
  }

  @Test
  void twoOptRecordsOrOneNotAtTheRootAreFormerr() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    assertThat(wire(q, ALICE).getRcode()).isEqualTo(Rcode.FORMERR);
    Message offRoot = query(CAROL_NAME, Type.A);
    offRoot.addRecord(
        Record.newRecord(Name.fromString("x."), Type.OPT, 1232, 0), Section.ADDITIONAL);
    assertThat(wire(offRoot, ALICE).getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void aClientCookieGetsAServerCookieThatValidatesForThatAskerOnly() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE)), Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    CookieOption c = cookieOf(r);
    assertThat(c.getClientCookie()).isEqualTo(CLIENT_COOKIE);
    byte[] server = c.getServerCookie().orElseThrow();
    assertThat(server).hasSize(16);

    Message again = query(CAROL_NAME, Type.A);
    again.addRecord(new OPTRecord(1232, 0, 0, 0, c), Section.ADDITIONAL);
    assertThat(zone.hasValidServerCookie(again, ALICE)).isTrue();
    // bob has alice's address but not her cookie
    assertThat(zone.hasValidServerCookie(again, BOB)).isFalse();
    // the answer to a valid cookie is the normal answer with a fresh cookie
    Message r2 = wire(again, ALICE);
    assertThat(r2.getSection(Section.ANSWER)).hasSize(1);
    assertThat(cookieOf(r2).getClientCookie()).isEqualTo(CLIENT_COOKIE);

    // an hour and a bit later the cookie is stale, yet the query is still answered
    zone =
        new WorkgroupZone(
            directory, ZoneSettings.defaults(), cookies(T0.plus(Duration.ofMinutes(61))));
    assertThat(zone.hasValidServerCookie(again, ALICE)).isFalse();
    Message r3 = wire(again, ALICE);
    assertThat(r3.getSection(Section.ANSWER)).hasSize(1);
    assertThat(cookieOf(r3).getServerCookie().orElseThrow()).isNotEqualTo(server);
  }

  @Test
  void aWrongServerCookieIsAnsweredNormallyWithANewOne() throws IOException {
    byte[] forged = new byte[16];
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(
        new OPTRecord(1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE, forged)), Section.ADDITIONAL);
    assertThat(zone.hasValidServerCookie(q, ALICE)).isFalse();
    Message r = wire(q, ALICE);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    assertThat(cookieOf(r).getServerCookie().orElseThrow()).isNotEqualTo(forged);
  }

  @Test
  void aCookieOnlyQueryWithoutQuestionGetsACookie() throws IOException {
    Message q = new Message();
    q.addRecord(new OPTRecord(1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE)), Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(r.getSection(Section.QUESTION)).isEmpty();
    assertThat(r.getSection(Section.ANSWER)).isEmpty();
    assertThat(cookieOf(r).getServerCookie()).isPresent();
  }

  @Test
  void aMalformedCookieIsFormerr() throws IOException {
    for (int length : new int[] {0, 5, 12, 41}) {
      Message q = query(CAROL_NAME, Type.A);
      q.addRecord(
          new OPTRecord(
              1232, 0, 0, 0, new GenericEDNSOption(EDNSOption.Code.COOKIE, new byte[length])),
          Section.ADDITIONAL);
      byte[] r = zone.answer(q.toWire(), ALICE, Transport.UDP);
      assertThat(new Message(r).getRcode())
          .as("cookie of %d bytes", length)
          .isEqualTo(Rcode.FORMERR);
    }
    Message two = query(CAROL_NAME, Type.A);
    two.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE), new CookieOption(CLIENT_COOKIE)),
        Section.ADDITIONAL);
    assertThat(wire(two, ALICE).getRcode()).as("two cookies").isEqualTo(Rcode.FORMERR);
  }

  @Test
  void unknownEdnsOptionsAreIgnored() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(
        new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(65001, new byte[] {1, 2})),
        Section.ADDITIONAL);
    Message r = wire(q, ALICE);
    assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    assertThat(r.getOPT().getOptions()).isEmpty();
  }

  // ---- sizes and counters

  @Test
  void udpResponsesStayWithinWhatTheAskerCanTake() throws IOException {
    Message q = query(CAROL_NAME, Type.A);
    q.addRecord(new OPTRecord(100, 0, 0, 0), Section.ADDITIONAL);
    // a payload size below 512 counts as 512; the answer fits anyway
    Message r = new Message(zone.answer(q.toWire(), ALICE, Transport.UDP));
    assertThat(r.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    Message t = new Message(zone.answer(q.toWire(), ALICE, Transport.TCP));
    assertThat(t.getSection(Section.ANSWER)).hasSize(1);
  }

  @Test
  void countersAddUp() throws IOException {
    ask(ALICE, CAROL_NAME, Type.A); // answer
    ask(ALICE, CAROL_NAME, Type.AAAA); // nodata
    ask(ALICE, BOB_NAME, Type.A); // nxdomain
    ask(ALICE, "example.com.", Type.A); // refused
    zone.answer(new byte[3], ALICE, Transport.UDP); // dropped
    Message two = query(CAROL_NAME, Type.A);
    two.addRecord(
        Record.newRecord(Name.fromString(ALICE_NAME), Type.A, DClass.IN), Section.QUESTION);
    wire(two, ALICE); // formerr
    DnsCounters c = zone.counters();
    assertThat(c).isEqualTo(new DnsCounters(6, 1, 1, 1, 1, 1, 0, 0, 1));
  }

  // ---- helpers

  private static Message query(String name, int type) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  /** Through the wire path, as the server does it. */
  private Message ask(MemberId asker, String name, int type) throws IOException {
    return wire(query(name, type), asker);
  }

  private Message wire(Message q, MemberId asker) throws IOException {
    byte[] r = zone.answer(q.toWire(), asker, Transport.UDP);
    assertThat(r).isNotNull();
    assertThat(r.length).isLessThanOrEqualTo(512);
    return new Message(r);
  }

  private static CookieOption cookieOf(Message r) {
    List<EDNSOption> c = r.getOPT().getOptions(EDNSOption.Code.COOKIE);
    assertThat(c).hasSize(1);
    return (CookieOption) c.get(0);
  }

  private static void assertSoaAuthority(Message r) throws IOException {
    List<Record> auth = r.getSection(Section.AUTHORITY);
    assertThat(auth).hasSize(1);
    assertThat(auth.get(0).getType()).isEqualTo(Type.SOA);
    assertThat(auth.get(0).getName()).isEqualTo(Name.fromString("wg.mvpn.example."));
  }

  private static List<Object> shape(Message r) {
    List<Object> s = new ArrayList<>();
    s.add(r.getRcode());
    s.add(r.getHeader().printFlags());
    for (int i = 1; i < 4; i++) {
      s.add(r.getSection(i).size());
    }
    return s;
  }
}
