package io.mvpn.dns;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.util.List;

/**
 * Three tenants whose realms overlap: alice (acme) and bob (beta) are both 10.1.0.5. Workgroup
 * "project" = alice, carol, dave; "ops" = bob, carol. Erin (beta) is in no workgroup. Dave's name
 * sits one label deeper, under the empty non-terminal eng.wg.mvpn.example.
 */
final class Fixture {

  static final MemberId ALICE = id("acme", "10.1.0.5");
  static final MemberId BOB = id("beta", "10.1.0.5");
  static final MemberId CAROL = id("gamma", "10.2.0.7");
  static final MemberId DAVE = id("acme", "10.1.0.6");
  static final MemberId ERIN = id("beta", "10.1.0.9");

  /** A member id the directory does not know. */
  static final MemberId STRANGER = id("delta", "10.1.0.5");

  static final String ALICE_NAME = "alice.wg.mvpn.example.";
  static final String BOB_NAME = "bob.wg.mvpn.example.";
  static final String CAROL_NAME = "carol.wg.mvpn.example.";
  static final String DAVE_NAME = "dave.eng.wg.mvpn.example.";
  static final String ERIN_NAME = "erin.wg.mvpn.example.";

  static final List<MemberId> ASKERS = List.of(ALICE, BOB, CAROL, DAVE, ERIN, STRANGER);

  private Fixture() {}

  static MemberId id(String tenant, String address) {
    return new MemberId(MvpnId.of(tenant), Ipv4Address.parse(address));
  }

  /** The MSM CA's certificates: {@code carol}'s under Carol's name, none under any other. */
  static io.mvpn.api.aaa.CertificateDirectory certificates(
      java.security.cert.X509Certificate carol) {
    return (name, answer) -> {
      try {
        answer.accept(
            name.equals("carol.wg.mvpn.example") ? List.of(carol.getEncoded()) : List.of());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new AssertionError(e);
      }
    };
  }

  static InMemoryWorkgroupDirectory directory() {
    InMemoryWorkgroupDirectory d = new InMemoryWorkgroupDirectory();
    d.putMember(new Member(ALICE, ALICE_NAME, Ipv4Address.parse("198.51.100.1")));
    d.putMember(new Member(BOB, BOB_NAME, Ipv4Address.parse("198.51.100.2")));
    d.putMember(new Member(CAROL, CAROL_NAME, Ipv4Address.parse("198.51.100.3")));
    d.putMember(new Member(DAVE, DAVE_NAME, Ipv4Address.parse("198.51.100.1")));
    d.putMember(new Member(ERIN, ERIN_NAME, Ipv4Address.parse("198.51.100.2")));
    d.addWorkgroup("project");
    d.join("project", ALICE);
    d.join("project", CAROL);
    d.join("project", DAVE);
    d.addWorkgroup("ops");
    d.join("ops", BOB);
    d.join("ops", CAROL);
    return d;
  }
}
