package io.mvpn.msm;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MSM as the home authority of nodes entering AODV sites (seed 002 c41-45): it holds each
 * node's hello key, checks the HMAC-SHA256 a sink relays, and grants the node's site routes (the
 * default route toward the tenant's security gateway, the home range at a lower metric) and its
 * workgroup filter: its home range both ways, and each member of another tenant its workgroups let
 * it reach. A node claiming an address in its home range must claim its own; outside it, it is
 * visiting another site with an address that site gave it. Refusals are counted by reason. A hello,
 * HMAC or PKI, every sink of one site heard is admitted once and a duplicate at the others; asked
 * for by a sink of another realm, or older than what the MSM still remembers (an HMAC hello: older
 * than the newest it admitted), it is a replay. Thread-safe: Diameter nodes call it from their
 * event loops.
 */
public final class SiteAuthority implements NodeAuthority {

  /** Why the MSM refused a node, as {@code mvpn:members} shows the counts. */
  private static final int RREP_LENGTH = 20;

  public enum Refusal {
    UNKNOWN_NODE,
    WRONG_SPI,
    WRONG_AUTHENTICATOR,
    WRONG_ADDRESS,
    /** Framed-IP-Address is not the address the node signed in its hello (a relabelled check). */
    UNSIGNED_ADDRESS,
    REPLAYED,
    /** A certificate-authenticated node whose certificate names no member of a site here. */
    UNKNOWN_CERTIFICATE,
    /** A certified member asked for by a sink of another realm than the member's site. */
    FOREIGN_SITE
  }

  /** One tenant's site: the realm its nodes' NAIs name, its home range and security gateway. */
  public record Site(MvpnId tenant, String realm, Prefix homeRange, Ipv4Address gateway) {
    public Site {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(realm, "realm");
      Objects.requireNonNull(homeRange, "homeRange");
      Objects.requireNonNull(gateway, "gateway");
    }
  }

  /** A node's hello key under one SPI (c40): the secret it shares with this MSM. */
  public record NodeKey(String identity, MemberId member, int spi, byte[] key) {
    public NodeKey {
      if (key.length < 16) {
        throw new IllegalArgumentException("a hello key of " + key.length + " bytes is too short");
      }
      key = key.clone();
    }
  }

  /** Metric of the site's default route; the home range's is {@link #HOME_METRIC} (c43). */
  public static final int DEFAULT_METRIC = 10;

  public static final int HOME_METRIC = 1;

  /**
   * How long an authorised hello is remembered behind its identity's newest: twice the 30 s a PKI
   * sink allows either way of its clock, the spread of timestamps sinks may still take.
   */
  public static final long AUTHORISED_HELLO_SPAN_MILLIS = 60_000;

  /** Authorised hellos remembered per identity within that span. */
  public static final int AUTHORISED_HELLOS_PER_MEMBER = 256;

  private final WorkgroupService directory;
  private final Map<MvpnId, Site> sites = new HashMap<>();
  private final Map<String, NodeKey> keys = new HashMap<>();
  private final AuthorisedHellos authorisedHellos =
      new AuthorisedHellos(AUTHORISED_HELLO_SPAN_MILLIS, AUTHORISED_HELLOS_PER_MEMBER);
  private final Map<Refusal, Long> refusals = new EnumMap<>(Refusal.class);
  private long admitted;
  private long duplicates;
  private volatile CertificateDirectory certificates = CertificateDirectory.NONE;

  public SiteAuthority(WorkgroupService directory) {
    this.directory = directory;
  }

  public synchronized void addSite(Site site) {
    sites.put(site.tenant(), site);
  }

  public synchronized void addNode(NodeKey node) {
    keys.put(node.identity().toLowerCase(Locale.ROOT), node);
  }

  /** Where the certificates of this MSM's CA are looked up (c56); null: none are published. */
  public void setCertificates(CertificateDirectory directory) {
    this.certificates = directory == null ? CertificateDirectory.NONE : directory;
  }

  /**
   * Seed 002 c56: the certificates this MSM's CA issued under {@code dnsName}, to a sink of {@code
   * siteRealm}; only for a member of a site of that realm (as {@link #authorizeCertified}), none
   * for any other name, so a peer cannot fetch another tenant's certificates.
   */
  @Override
  public void certificates(
      String siteRealm, String dnsName, java.util.function.Consumer<List<byte[]>> answer) {
    if (mayFetch(siteRealm, dnsName)) {
      certificates.certificates(dnsName, answer);
    } else {
      answer.accept(List.of());
    }
  }

  private synchronized boolean mayFetch(String siteRealm, String dnsName) {
    Member member = directory.memberByFqdn(CertificateDirectory.normalise(dnsName)).orElse(null);
    Site site = member == null ? null : sites.get(member.id().tenant());
    if (site == null) {
      return false;
    }
    if (!site.realm().equalsIgnoreCase(siteRealm)) {
      refusals.merge(Refusal.FOREIGN_SITE, 1L, Long::sum);
      return false;
    }
    return true;
  }

  @Override
  public void authorize(HelloCredentials c, java.util.function.Consumer<Authorization> answer) {
    answer.accept(check(c));
  }

  /**
   * Seed 002 c50-52: the sink checked the node's certificate against this MSM's CA; the member is
   * the one whose FQDN the certificate names, and it must claim its own address in its home range.
   * Only a sink of the member's own site realm is answered: the FQDN alone would hand any tenant's
   * member to whichever peer names it. A hello (timestamp, nonce) authorised before is a duplicate
   * for another sink of the same site realm and a replay for a sink of any other.
   */
  @Override
  public void authorizeCertified(
      CertifiedNode node, java.util.function.Consumer<Authorization> answer) {
    answer.accept(checkCertified(node));
  }

  private synchronized Authorization checkCertified(CertifiedNode c) {
    Member member = directory.memberByFqdn(c.identity()).orElse(null);
    Site site = member == null ? null : sites.get(member.id().tenant());
    if (site == null) {
      return refuse(Refusal.UNKNOWN_CERTIFICATE, Authorization.Outcome.UNKNOWN_NODE);
    }
    if (!site.realm().equalsIgnoreCase(c.siteRealm())) {
      return refuse(Refusal.FOREIGN_SITE, Authorization.Outcome.REJECTED);
    }
    // Each sink refuses a hello it took before; one taken at another sink only the MSM can see.
    return grant(
        member.id(),
        site,
        c.address(),
        () -> authorisedHellos.see(c.identity(), c.timestamp(), c.nonce(), c.siteRealm()));
  }

  private synchronized Authorization check(HelloCredentials c) {
    NodeKey node = keys.get(c.identity().toLowerCase(Locale.ROOT));
    Site site = node == null ? null : sites.get(node.member().tenant());
    if (node == null || site == null) {
      return refuse(Refusal.UNKNOWN_NODE, Authorization.Outcome.UNKNOWN_NODE);
    }
    if (node.spi() != c.spi()) {
      return refuse(Refusal.WRONG_SPI, Authorization.Outcome.REJECTED);
    }
    if (!MessageDigest.isEqual(hmac(node.key, c.signedBytes()), c.authenticator())) {
      return refuse(Refusal.WRONG_AUTHENTICATOR, Authorization.Outcome.REJECTED);
    }
    if (!c.address().equals(signedAddress(c.signedBytes()))) {
      return refuse(Refusal.UNSIGNED_ADDRESS, Authorization.Outcome.REJECTED);
    }
    // Only a hello whose HMAC checked is recorded: a forged one must not take a real one's place.
    return grant(
        node.member(),
        site,
        c.address(),
        () ->
            authorisedHellos.see(
                node.identity(), c.timestamp(), helloNonce(c), c.siteRealm(), true));
  }

  /**
   * What tells one HMAC hello from another of the same timestamp: its authenticator's first 8
   * octets. Every sink that heard the same broadcast relays the same authenticator.
   */
  private static long helloNonce(HelloCredentials c) {
    return java.nio.ByteBuffer.wrap(c.authenticator()).getLong();
  }

  /**
   * The member's routes and filter, once its address is right and its hello {@code fresh} (asked
   * last: it records the hello as authorised).
   */
  private Authorization grant(
      MemberId member,
      Site site,
      Ipv4Address address,
      java.util.function.Supplier<AuthorisedHellos.Seen> fresh) {
    if (site.homeRange().contains(address) && !member.privateAddress().equals(address)) {
      // In its home range a node has its own address; elsewhere it visits with one it was given.
      return refuse(Refusal.WRONG_ADDRESS, Authorization.Outcome.REJECTED);
    }
    switch (fresh.get()) {
      case REPLAYED:
        return refuse(Refusal.REPLAYED, Authorization.Outcome.REJECTED);
      case DUPLICATE:
        duplicates++;
        return Authorization.refused(Authorization.Outcome.DUPLICATE);
      default:
        break;
    }
    admitted++;
    return Authorization.admitted(
        List.of(
            new GrantedRoute(Prefix.DEFAULT_ROUTE, site.gateway(), DEFAULT_METRIC),
            new GrantedRoute(site.homeRange(), Ipv4Address.ANY, HOME_METRIC)),
        filterRules(member, site));
  }

  /**
   * The address the node signed: the signed octets begin with its hello, an AODV RREP whose
   * destination (octets 4-7, RFC 3561 §5.2) is the node itself; {@code null} if too short.
   */
  static Ipv4Address signedAddress(byte[] signed) {
    if (signed.length < RREP_LENGTH) {
      return null;
    }
    return Ipv4Address.of(
        (signed[4] & 0xFF) << 24
            | (signed[5] & 0xFF) << 16
            | (signed[6] & 0xFF) << 8
            | (signed[7] & 0xFF));
  }

  /** The node's workgroup filter (c41): home range both ways, then its workgroup peers abroad. */
  private List<String> filterRules(MemberId member, Site site) {
    Ipv4Address a = member.privateAddress();
    List<String> rules = new ArrayList<>();
    rules.add("permit in ip from " + a + " to " + site.homeRange());
    rules.add("permit out ip from " + site.homeRange() + " to " + a);
    for (Member peer : directory.visibleTo(member)) {
      if (!peer.id().tenant().equals(member.tenant())) {
        rules.add("permit in ip from " + a + " to " + peer.id().privateAddress());
        rules.add("permit out ip from " + peer.id().privateAddress() + " to " + a);
      }
    }
    return rules;
  }

  private Authorization refuse(Refusal why, Authorization.Outcome outcome) {
    refusals.merge(why, 1L, Long::sum);
    return Authorization.refused(outcome);
  }

  public synchronized long admitted() {
    return admitted;
  }

  /** Hellos another sink of the same site asked for again: the node is not refused. */
  public synchronized long duplicates() {
    return duplicates;
  }

  public synchronized long refused(Refusal why) {
    return refusals.getOrDefault(why, 0L);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }
}
