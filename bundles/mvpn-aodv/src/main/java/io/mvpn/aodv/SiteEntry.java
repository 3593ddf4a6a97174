package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.aodv.pki.DnsCertificateSource;
import io.mvpn.aodv.pki.PkiSigning;
import io.mvpn.aodv.pki.PkiVerifier;
import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificatePolicy;
import io.mvpn.net.Interface;
import java.util.List;
import java.util.Objects;

/**
 * The node's side of seed 002's authenticated hello (c40, c44-45): it enters a site with a Hello
 * signed by the key it shares with its home MSM, and keeps the Site Routes its new sink advertises
 * once the MSM admitted it. The timestamp is the scheduler's milliseconds, or one more than the
 * last sent when the clock has not moved: never the same twice.
 */
final class SiteEntry {

  /** The routes a sink advertised, and when, in scheduler nanos. */
  record Advertised(Ipv4Address sink, List<SiteRoutes.Route> routes, long atNanos) {}

  private final RouterContext ctx;
  private long lastTimestamp;
  private Advertised advertised;
  private PkiPolicy pki;
  private Long expectedNonce; // set once a PKI hello went out: the sink must sign its answer

  SiteEntry(RouterContext ctx) {
    this.ctx = ctx;
  }

  /** Sends the signed Hello on {@code link} (c40); returns its timestamp. */
  long enter(String link, String identity, int spi, byte[] key) {
    Interface via = Objects.requireNonNull(ctx.link(link), link);
    lastTimestamp = Math.max(lastTimestamp + 1, ctx.now() / 1_000_000L);
    AodvParameters p = ctx.parameters();
    RouteReply hello =
        HelloAuthentication.sign(
            RouteReply.hello(
                ctx.self, ctx.ownSeq(), p.helloIntervalMillis(), p.allowedHelloLoss(), true),
            identity,
            spi,
            lastTimestamp,
            key);
    ctx.sendOn(via, hello, RouterContext.LIMITED_BROADCAST, 1);
    ctx.count(AodvCounter.HELLO_AUTH_SENT);
    expectedNonce = null;
    return lastTimestamp;
  }

  /**
   * Sends a PKI hello on {@code link} (c51): the certificate (or, with a reference name, a
   * reference to it, c55), a fresh timestamp and nonce, signed with the certificate's key. From
   * then on only Site Routes signed by a sink of the same MSM's CA, with that nonce, are taken.
   */
  long enterWithCertificate(String link, PkiPolicy policy)
      throws PkiSigning.UnsupportedKeyException {
    Interface via = Objects.requireNonNull(ctx.link(link), link);
    lastTimestamp = Math.max(lastTimestamp + 1, policy.millisAt(ctx.now()));
    long nonce = policy.nonces().nextLong();
    byte[] der;
    try {
      der = policy.credential().certificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate encodes", e);
    }
    PkiCertificate certificate =
        policy.referenceName() == null
            ? PkiCertificate.of(der)
            : PkiCertificate.reference(DnsCertificateSource.sha256(der), policy.referenceName());
    AodvParameters p = ctx.parameters();
    RouteReply hello =
        PkiSigning.sign(
            RouteReply.hello(
                ctx.self, ctx.ownSeq(), p.helloIntervalMillis(), p.allowedHelloLoss(), true),
            certificate,
            policy.credential(),
            lastTimestamp,
            nonce);
    pki = policy;
    expectedNonce = nonce;
    ctx.sendOn(via, hello, RouterContext.LIMITED_BROADCAST, 1);
    ctx.count(AodvCounter.HELLO_PKI_SENT);
    return lastTimestamp;
  }

  /** A sink's RREP naming us as originator and carrying Site Routes (c44). */
  static boolean isAdvertisement(AodvMessage message, Ipv4Address self, Ipv4Address sender) {
    return message instanceof RouteReply r
        && r.extension(AodvExtension.SITE_ROUTES) != null
        && r.originator().equals(self)
        && r.destination().equals(sender);
  }

  /**
   * Site Routes from {@code sink}; {@code fromSink} runs once they are taken (the sink is then a
   * neighbour). After a PKI hello they are taken only when signed, with the hello's nonce, by a
   * certificate of our MSM's CA that carries the sink role ({@link CertificatePolicy#AODV_SINK}):
   * any member holds a certificate of that CA, and must not be able to act as our sink.
   */
  void onAdvertisement(RouteReply rrep, Ipv4Address sink, long now, Runnable fromSink) {
    if (expectedNonce == null) {
      take(rrep, sink, now, fromSink);
      return;
    }
    long nonce = expectedNonce;
    pki.verifier()
        .check(
            rrep,
            sink,
            pki.wallClock().apply(now),
            // The check may end on a lookup's thread (a certificate fetched from DNS).
            outcome -> ctx.scheduler.execute(() -> checked(outcome, rrep, sink, nonce, fromSink)));
  }

  private void checked(
      PkiVerifier.Outcome outcome,
      RouteReply rrep,
      Ipv4Address sink,
      long nonce,
      Runnable fromSink) {
    if (outcome.ok()
        && outcome.verified().signature().nonce() == nonce
        && CertificatePolicy.carries(
            outcome.verified().certificate(), CertificatePolicy.AODV_SINK)) {
      take(rrep, sink, ctx.now(), fromSink);
    } else {
      ctx.count(AodvCounter.SINK_REFUSED); // c54: not a sink of our MSM's CA
    }
  }

  private void take(RouteReply rrep, Ipv4Address sink, long now, Runnable fromSink) {
    try {
      advertised =
          new Advertised(
              sink, SiteRoutes.parse(rrep.extension(AodvExtension.SITE_ROUTES)).routes(), now);
      ctx.count(AodvCounter.SITE_ROUTES_RECEIVED);
      fromSink.run();
    } catch (AodvFormatException e) {
      ctx.count(AodvCounter.MALFORMED);
    }
  }

  Advertised advertised() {
    return advertised;
  }
}
