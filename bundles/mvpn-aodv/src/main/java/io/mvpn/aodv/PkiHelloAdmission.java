package io.mvpn.aodv;

import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.aodv.message.PkiSignature;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.pki.PkiSigning;
import io.mvpn.aodv.pki.PkiVerifier;
import io.mvpn.aodv.pki.ReplayCache;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.net.Interface;
import java.time.Instant;

/**
 * The sink's side of seed 002's PKI hello (c50-56). The sink checks the node itself, before it asks
 * anyone or keeps anything of it: the certificate (carried, or fetched from the MSM by reference)
 * must chain to the MSM's CA, be valid now and not revoked, its key must have signed the hello, and
 * the hello must be fresh (timestamp within the window, nonce not seen). Then the MSM authorises
 * the member the certificate names, through the same {@link HelloAdmission} as an authenticated
 * hello, and the Site Routes RREP carries the sink's own certificate and signature, with the node's
 * nonce, for the node to check (c53-54). Each refusal is counted by reason; nothing is installed.
 */
final class PkiHelloAdmission {

  private final RouterContext ctx;
  private final HelloAdmission admission;
  private PkiPolicy policy;
  private PkiVerifier verifier;
  private ReplayCache replays;

  PkiHelloAdmission(RouterContext ctx, HelloAdmission admission) {
    this.ctx = ctx;
    this.admission = admission;
  }

  void setPolicy(PkiPolicy policy) {
    this.policy = policy;
    this.verifier = policy == null ? null : policy.verifier();
    this.replays =
        policy == null
            ? null
            : new ReplayCache(PkiPolicy.TIMESTAMP_WINDOW_MILLIS, PkiPolicy.REPLAY_CACHE_SIZE);
  }

  /** Whether {@code r} is a PKI hello: a certificate and a signature on a RREP. */
  static boolean isPkiHello(RouteReply r) {
    return r.extension(io.mvpn.aodv.message.AodvExtension.PKI_SIGNATURE) != null;
  }

  void onHello(RouteReply hello, Ipv4Address sender, Interface ingress, long now) {
    ctx.count(AodvCounter.HELLO_PKI_RECEIVED);
    if (policy == null) {
      admission.refuseUnknown(AodvCounter.PKI_REFUSED_NOT_CONFIGURED);
      return;
    }
    if (!admission.ownHello(hello, sender) || !admission.mayAsk(sender, ingress, now)) {
      return;
    }
    String link = ingress.name();
    Instant at = policy.wallClock().apply(now);
    verifier.check(
        hello, sender, at, outcome -> ctx.scheduler.execute(() -> checked(outcome, sender, link)));
  }

  private void checked(PkiVerifier.Outcome outcome, Ipv4Address sender, String link) {
    if (!outcome.ok()) {
      admission.refuseUnknown(counter(outcome.refusal()));
      return;
    }
    PkiVerifier.Verified v = outcome.verified();
    if (!inRealm(v.identity(), admission.policy().realm())) {
      // The CA may serve several tenants: a certificate proves who the node is, not that it is a
      // member of this site.
      admission.refuseUnknown(AodvCounter.PKI_REFUSED_FOREIGN_REALM);
      return;
    }
    PkiSignature sig = v.signature();
    switch (replays.accept(v.fingerprint(), sig.timestamp(), sig.nonce(), nowMillis())) {
      case REPLAYED:
        admission.refuseUnknown(AodvCounter.AUTH_REFUSED_REPLAYED);
        return;
      case STALE:
        admission.refuseUnknown(AodvCounter.PKI_REFUSED_STALE);
        return;
      default:
        break;
    }
    CertifiedNode node =
        new CertifiedNode(
            v.identity(),
            sender,
            sig.timestamp(),
            sig.nonce(),
            v.fingerprint(),
            admission.policy().realm());
    admission.admit(
        v.identity(),
        sig.timestamp(),
        sender,
        link,
        true,
        answer -> admission.authority().authorizeCertified(node, answer),
        rrep -> sealed(rrep, sig.nonce()));
  }

  /** Whether the DNS name {@code host} is in {@code realm}: the realm itself or under it. */
  static boolean inRealm(String host, String realm) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    String r = realm.toLowerCase(java.util.Locale.ROOT);
    return h.equals(r) || h.endsWith("." + r);
  }

  /** The Site Routes RREP with the sink's certificate and signature, the hello's nonce in it. */
  private RouteReply sealed(RouteReply rrep, long nonce) {
    try {
      return PkiSigning.sign(
          rrep,
          PkiCertificate.of(policy.credential().certificate().getEncoded()),
          policy.credential(),
          nowMillis(),
          nonce);
    } catch (PkiSigning.UnsupportedKeyException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the sink's PKI credential was checked when set", e);
    }
  }

  private long nowMillis() {
    return policy.millisAt(ctx.now());
  }

  static AodvCounter counter(PkiVerifier.Refusal why) {
    return switch (why) {
      case MALFORMED -> AodvCounter.PKI_REFUSED_MALFORMED;
      case UNKNOWN_ISSUER -> AodvCounter.PKI_REFUSED_UNKNOWN_ISSUER;
      case REVOKED -> AodvCounter.PKI_REFUSED_REVOKED;
      case EXPIRED -> AodvCounter.PKI_REFUSED_EXPIRED;
      case INVALID_CERTIFICATE, UNSUPPORTED_KEY -> AodvCounter.PKI_REFUSED_INVALID;
      case BAD_SIGNATURE -> AodvCounter.PKI_REFUSED_BAD_SIGNATURE;
      case WRONG_ADDRESS -> AodvCounter.PKI_REFUSED_WRONG_ADDRESS;
      case NOT_FOUND -> AodvCounter.PKI_REFUSED_NOT_FOUND;
    };
  }
}
