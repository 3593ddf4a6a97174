package io.mvpn.msm;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MSM's check of authenticated hellos (seed 002 c41-43), from the operator's setup file. */
class SiteAuthorityTest {

  private static final String KEY =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  private static final String SETUP =
      "members:\n"
          + "  - {tenant: acme, address: 10.1.0.6, fqdn: bob.acme.example, gateway: 198.51.100.10,"
          + " nai: bob@acme.example, spi: 256, helloKey: "
          + KEY
          + "}\n"
          + "  - {tenant: globex, address: 10.1.0.9, fqdn: eve.globex.example,"
          + " gateway: 198.51.100.20}\n"
          + "workgroups:\n"
          + "  - {name: bridge, admit: [acme, globex], members: [acme/10.1.0.6, globex/10.1.0.9]}\n"
          + "sites:\n"
          + "  - {tenant: acme, realm: acme.example, homeRange: 10.1.0.0/16, gateway: 10.1.0.1}\n";

  private static final String ACME = "acme.example";

  private final InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
  private final SiteAuthority msm = new SiteAuthority(directory);

  SiteAuthorityTest() throws Exception {
    WorkgroupSetup setup = WorkgroupSetup.parse(SETUP);
    setup.applyTo(directory, null);
    setup.applyTo(msm);
  }

  @Test
  void aKnownNodeWithTheRightKeyGetsTheSiteRoutesAndItsWorkgroupFilter() {
    Authorization a = ask(hello("bob@acme.example", "10.1.0.6", 256, 5, KEY));

    assertThat(a.outcome()).isEqualTo(Authorization.Outcome.ADMITTED);
    assertThat(a.routes())
        .containsExactly(
            new GrantedRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), 10),
            new GrantedRoute(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1));
    assertThat(a.filterRules())
        .containsExactly(
            "permit in ip from 10.1.0.6 to 10.1.0.0/16",
            "permit out ip from 10.1.0.0/16 to 10.1.0.6",
            "permit in ip from 10.1.0.6 to 10.1.0.9",
            "permit out ip from 10.1.0.9 to 10.1.0.6");
    assertThat(msm.admitted()).isEqualTo(1);
  }

  @Test
  void eachRefusalIsCountedByItsReason() {
    String other = KEY.replace('0', '1');
    ask(hello("mallory@acme.example", "10.1.0.6", 256, 5, KEY));
    ask(hello("bob@acme.example", "10.1.0.6", 257, 5, KEY));
    ask(hello("bob@acme.example", "10.1.0.6", 256, 5, other));
    ask(hello("bob@acme.example", "10.1.0.7", 256, 5, KEY));
    ask(signed("bob@acme.example", "10.1.0.6", "10.1.0.7", 256, 5, KEY));
    askCertified(certified("mallory.acme.example", "10.1.0.6", 5, ACME));
    askCertified(certified("bob.acme.example", "10.1.0.6", 5, "globex.example"));
    assertThat(ask(hello("bob@acme.example", "10.1.0.6", 256, 5, KEY)).isAdmitted()).isTrue();
    Authorization replay = ask(hello("bob@acme.example", "10.1.0.6", 256, 4, KEY));

    assertThat(replay.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    for (SiteAuthority.Refusal r : SiteAuthority.Refusal.values()) {
      assertThat(msm.refused(r)).as(r.name()).isEqualTo(1);
    }
  }

  @Test
  void anHmacHelloEverySinkOfTheSiteHeardIsAdmittedOnceAndADuplicateAtTheOthers() {
    HelloCredentials hello = hello("bob@acme.example", "10.1.0.6", 256, 5, KEY);

    Authorization first = ask(hello);
    Authorization again = ask(hello);
    Authorization elsewhere = ask(askedFrom(hello, "globex.example"));
    Authorization older = ask(hello("bob@acme.example", "10.1.0.6", 256, 4, KEY));

    assertThat(first.isAdmitted()).isTrue();
    assertThat(again.outcome()).isEqualTo(Authorization.Outcome.DUPLICATE);
    assertThat(again.routes()).isEmpty();
    assertThat(elsewhere.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(older.outcome())
        .as("older than the newest admitted")
        .isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(msm.duplicates()).isEqualTo(1);
    assertThat(msm.refused(SiteAuthority.Refusal.REPLAYED)).isEqualTo(2);
    assertThat(msm.admitted()).isEqualTo(1);
  }

  @Test
  void aForgedHmacHelloLeavesNoTraceTheRealOneWouldBeMistakenFor() {
    HelloCredentials real = hello("bob@acme.example", "10.1.0.6", 256, 5, KEY);
    HelloCredentials forged = hello("bob@acme.example", "10.1.0.6", 256, 5, KEY.replace('0', '1'));

    assertThat(ask(forged).outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(ask(real).isAdmitted()).isTrue();
    assertThat(msm.refused(SiteAuthority.Refusal.WRONG_AUTHENTICATOR)).isEqualTo(1);
    assertThat(msm.duplicates()).isZero();
  }

  @Test
  void aFramedAddressOtherThanTheOneTheNodeSignedIsRefused() {
    // bob signed a hello from 10.9.0.4; the request names his home address instead.
    Authorization a = ask(signed("bob@acme.example", "10.1.0.6", "10.9.0.4", 256, 5, KEY));

    assertThat(a.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(msm.refused(SiteAuthority.Refusal.UNSIGNED_ADDRESS)).isEqualTo(1);
    assertThat(msm.admitted()).isZero();
  }

  @Test
  void aNodeVisitingAnotherSiteMayUseTheAddressThatSiteGaveIt() {
    assertThat(ask(hello("bob@acme.example", "10.9.0.4", 256, 5, KEY)).isAdmitted()).isTrue();
  }

  @Test
  void aCertifiedMemberIsAuthorisedByTheFqdnItsCertificateNamesAtItsOwnAddressOnly() {
    Authorization a = askCertified(certified("bob.acme.example", "10.1.0.6", 7, ACME));
    Authorization elsewhere = askCertified(certified("bob.acme.example", "10.1.0.7", 8, ACME));
    Authorization again = askCertified(certified("bob.acme.example", "10.1.0.6", 0, ACME));

    assertThat(a.isAdmitted()).isTrue();
    assertThat(a.routes()).hasSize(2);
    assertThat(a.filterRules()).contains("permit in ip from 10.1.0.6 to 10.1.0.0/16");
    assertThat(elsewhere.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    // Another hello within the span, if older: the sinks judged its freshness by their clocks.
    assertThat(again.isAdmitted()).isTrue();
    assertThat(msm.refused(SiteAuthority.Refusal.WRONG_ADDRESS)).isEqualTo(1);
    assertThat(msm.refused(SiteAuthority.Refusal.REPLAYED)).isZero();
  }

  @Test
  void aCertifiedHelloEverySinkOfTheSiteHeardIsAdmittedOnceAndADuplicateAtTheOthers() {
    CertifiedNode hello = certified("bob.acme.example", "10.1.0.6", 1_000_000, ACME);
    Authorization first = askCertified(hello);
    Authorization replayed = askCertified(hello);
    Authorization sameMillisecond =
        askCertified(
            new CertifiedNode("bob.acme.example", hello.address(), 1_000_000, 2, "", ACME));

    assertThat(first.isAdmitted()).isTrue();
    assertThat(replayed.outcome()).isEqualTo(Authorization.Outcome.DUPLICATE);
    assertThat(replayed.routes()).isEmpty();
    assertThat(sameMillisecond.isAdmitted()).as("another nonce: another hello").isTrue();
    assertThat(msm.refused(SiteAuthority.Refusal.REPLAYED)).isZero();
    assertThat(msm.duplicates()).isEqualTo(1);
    assertThat(msm.admitted()).isEqualTo(2);
  }

  @Test
  void aCertifiedHelloOlderThanAnySinkCouldStillTakeIsRefusedAsAReplay() {
    long newest = 5_000_000;
    askCertified(certified("bob.acme.example", "10.1.0.6", newest, ACME));
    Authorization old =
        askCertified(
            certified(
                "bob.acme.example",
                "10.1.0.6",
                newest - SiteAuthority.AUTHORISED_HELLO_SPAN_MILLIS - 1,
                ACME));

    assertThat(old.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(msm.refused(SiteAuthority.Refusal.REPLAYED)).isEqualTo(1);
  }

  @Test
  void aCertifiedMemberAskedForByASinkOfAnotherRealmIsRefused() {
    Authorization a = askCertified(certified("bob.acme.example", "10.1.0.6", 7, "globex.example"));

    assertThat(a.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(a.routes()).isEmpty();
    assertThat(msm.refused(SiteAuthority.Refusal.FOREIGN_SITE)).isEqualTo(1);
    assertThat(msm.admitted()).isZero();
  }

  @Test
  void certificatesAreHandedOnlyToASinkOfTheMembersOwnSiteRealm() {
    byte[] bobs = {0x30, 0x03, 0x02, 0x01, 0x07};
    msm.setCertificates(
        (name, answer) ->
            answer.accept(
                CertificateDirectory.normalise(name).equals("bob.acme.example")
                    ? List.of(bobs)
                    : List.of()));

    assertThat(fetch(ACME, "bob.acme.example.")).containsExactly(bobs);
    assertThat(fetch("globex.example", "bob.acme.example")).isEmpty();
    assertThat(fetch(ACME, "nobody.acme.example")).isEmpty();
    assertThat(msm.refused(SiteAuthority.Refusal.FOREIGN_SITE)).isEqualTo(1);
  }

  private List<byte[]> fetch(String realm, String dnsName) {
    List<List<byte[]>> got = new ArrayList<>();
    msm.certificates(realm, dnsName, got::add);
    assertThat(got).hasSize(1);
    return got.get(0);
  }

  /** A node certified as {@code fqdn}, at {@code address}, entering a site of {@code realm}. */
  private static CertifiedNode certified(String fqdn, String address, long ts, String realm) {
    return new CertifiedNode(fqdn, Ipv4Address.parse(address), ts, ts * 31 + 1, "ab12", realm);
  }

  private Authorization askCertified(CertifiedNode c) {
    Authorization[] got = new Authorization[1];
    msm.authorizeCertified(c, a -> got[0] = a);
    return got[0];
  }

  private Authorization ask(HelloCredentials c) {
    Authorization[] got = new Authorization[1];
    msm.authorize(c, a -> got[0] = a);
    return got[0];
  }

  /** {@code c} as a sink of {@code siteRealm} relays it. */
  private static HelloCredentials askedFrom(HelloCredentials c, String siteRealm) {
    return new HelloCredentials(
        c.identity(),
        c.address(),
        c.spi(),
        c.timestamp(),
        c.signedBytes(),
        c.authenticator(),
        siteRealm);
  }

  private static HelloCredentials hello(
      String nai, String address, int spi, long timestamp, String keyHex) {
    return signed(nai, address, address, spi, timestamp, keyHex);
  }

  /** As the sink relays it: {@code framed} as Framed-IP-Address, {@code signedAs} in the hello. */
  private static HelloCredentials signed(
      String nai, String framed, String signedAs, int spi, long timestamp, String keyHex) {
    byte[] tail = (" a hello from " + nai + " " + timestamp).getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[20 + tail.length];
    signed[0] = 2; // an RREP, its destination the node itself
    int a = Ipv4Address.parse(signedAs).toInt();
    for (int i = 0; i < 4; i++) {
      signed[4 + i] = (byte) (a >>> (24 - 8 * i));
    }
    System.arraycopy(tail, 0, signed, 20, tail.length);
    return new HelloCredentials(
        nai,
        Ipv4Address.parse(framed),
        spi,
        timestamp,
        signed,
        SiteAuthority.hmac(HexFormat.of().parseHex(keyHex), signed),
        ACME);
  }
}
