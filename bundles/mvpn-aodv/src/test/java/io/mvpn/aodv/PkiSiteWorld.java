package io.mvpn.aodv;

import io.mvpn.aodv.pki.CertificateSource;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seed 002's PKI hellos in one virtual-time run: acme's site (sink s, security gateway h, an
 * entering node n on an access link of s), acme's MSM in process as the sink's authority, acme's CA
 * that issued the sink's and the node's certificates (one of the node's revoked, on the CRL), and
 * globex's CA, which acme trusts for nothing. Scheduler time 0 is {@link #T0} on the wall clock.
 */
final class PkiSiteWorld {

  static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");
  static final String ALICE = "alice.acme.example";

  /**
   * The role acme's CA gives sink certificates only: the policy {@code mvpn:ca issue ... --role
   * sink} grants.
   */
  static final String SINK = io.mvpn.ike.pki.CertificatePolicy.role("sink").orElseThrow();

  final MeshLab mesh;
  final SiteAuthority acme;
  final SecureRandom random = new SecureRandom(new byte[] {2, 0, 2, 6});
  final CertificateAuthority acmeCa = authority("acme MSM CA");
  final CertificateAuthority globexCa = authority("globex MSM CA");
  final Credential sink;
  final Credential alice;
  final Credential aliceRevoked;
  final Credential aliceExpired;
  final Credential aliceFromGlobex;
  final CertificateValidator trust;

  /** The sink asks acme's MSM in process. */
  PkiSiteWorld() {
    this(
        new MeshLab(List.of("s", "h", "n"), List.of("s-h", "s-n"), AodvParameters.defaults()),
        new InMemoryWorkgroupDirectory());
  }

  private PkiSiteWorld(MeshLab mesh, InMemoryWorkgroupDirectory directory) {
    this(mesh, new SiteAuthority(directory));
    MemberId member = new MemberId(MvpnId.of("acme"), mesh.addr("n"));
    directory.putMember(new Member(member, ALICE, Ipv4Address.parse("198.51.100.10")));
    acme.addSite(
        new SiteAuthority.Site(
            MvpnId.of("acme"), "acme.example", Prefix.parse("10.1.0.0/16"), mesh.addr("h")));
    sink().setSitePolicy(new SitePolicy(acme, "acme.example", mesh.addr("h"), Set.of("to-n")));
  }

  /**
   * The PKI of {@code site}, whose sink asks acme's MSM over Diameter (its directory already holds
   * alice as a member of acme at n's address, as {@link #ALICE}).
   */
  PkiSiteWorld(SiteWorld site) {
    this(site.mesh, site.acme);
  }

  private PkiSiteWorld(MeshLab mesh, SiteAuthority acme) {
    this.mesh = mesh;
    this.acme = acme;
    sink = acmeCa.issue(subject("sink", "s").withPolicy(SINK), KeyType.EC_P256, T0, year());
    alice = acmeCa.issue(subject("alice", "n"), KeyType.EC_P256, T0, year());
    aliceRevoked = acmeCa.issue(subject("alice", "n"), KeyType.EC_P256, T0, year());
    aliceExpired =
        acmeCa.issue(
            subject("alice", "n"),
            KeyType.EC_P256,
            T0.minus(Duration.ofDays(60)),
            T0.minusSeconds(1));
    aliceFromGlobex = globexCa.issue(subject("alice", "n"), KeyType.EC_P256, T0, year());
    acmeCa.revoke(aliceRevoked.certificate().getSerialNumber(), T0.minusSeconds(60));
    trust =
        new CertificateValidator(
            List.of(acmeCa.certificate()),
            List.of(acmeCa.crl(T0.minusSeconds(30), T0.plus(Duration.ofDays(7)))));
    sinkUses(sink, null);
    nodeUses(alice, null);
  }

  private static Instant year() {
    return T0.plus(Duration.ofDays(365));
  }

  private CertificateAuthority authority(String name) {
    return CertificateAuthority.create(
        name,
        KeyType.EC_P256,
        T0.minus(Duration.ofDays(1)),
        T0.plus(Duration.ofDays(3650)),
        CertificateStore.inMemory(),
        random);
  }

  private Subject subject(String name, String router) {
    return new Subject(
        name + ".acme.example", List.of(mesh.addr(router)), List.of(name + ".acme.example"));
  }

  /** A day's certificate from {@code ca} for {@code dnsName} at {@code router}'s address. */
  Credential issue(CertificateAuthority ca, String dnsName, String router) {
    return issue(ca, new Subject(dnsName, List.of(mesh.addr(router)), List.of(dnsName)));
  }

  /** As {@link #issue(CertificateAuthority, String, String)}, with the sink role. */
  Credential issueSink(CertificateAuthority ca, String dnsName, String router) {
    return issue(
        ca, new Subject(dnsName, List.of(mesh.addr(router)), List.of(dnsName)).withPolicy(SINK));
  }

  private static Credential issue(CertificateAuthority ca, Subject subject) {
    return ca.issue(subject, KeyType.EC_P256, T0, T0.plus(Duration.ofDays(1)));
  }

  PkiPolicy policy(Credential own, CertificateSource source, String referenceName) {
    return new PkiPolicy(
        own, trust, source, referenceName, nanos -> T0.plusNanos(nanos), new Random(7));
  }

  void sinkUses(Credential own, CertificateSource source) {
    sink().setPkiPolicy(policy(own, source, null));
  }

  void nodeUses(Credential own, String referenceName) {
    node().setPkiPolicy(policy(own, null, referenceName));
  }

  MobilityRouter sink() {
    return mesh.router("s");
  }

  MobilityRouter node() {
    return mesh.router("n");
  }

  boolean sinkHasRouteToNode() {
    return sink().routes().stream().anyMatch(r -> r.destination().equals(mesh.addr("n")));
  }
}
