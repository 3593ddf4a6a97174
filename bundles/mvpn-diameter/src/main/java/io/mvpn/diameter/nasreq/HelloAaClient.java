package io.mvpn.diameter.nasreq;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.peer.AnswerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The sink's Diameter client for authenticated hellos (seed 002 c41): each check becomes a NASREQ
 * AA-Request to the node's home realm (the realm of its NAI), routed or relayed by the Diameter
 * node; the AA-Answer becomes an {@link Authorization}. See {@link HelloAaRequests} for the AVPs.
 */
public final class HelloAaClient implements NodeAuthority {

  /** Where requests go: a Diameter node's or DiameterNodeService's {@code send}. */
  @FunctionalInterface
  public interface Sender {
    void send(DiameterMessage request, AnswerListener listener);
  }

  private final Sender sender;
  private final String originHost;
  private final String originRealm;
  private final long boot;
  // Routers of several tenants ask from their own loops: a plain counter could hand two the same
  // id.
  private final AtomicLong sessions = new AtomicLong();

  /** {@code boot}: the high half of Session-Ids, different at each start (RFC 6733 §8.8). */
  public HelloAaClient(Sender sender, String originHost, String originRealm, long boot) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.originHost = originHost;
    this.originRealm = originRealm;
    this.boot = boot;
  }

  @Override
  public void authorize(HelloCredentials credentials, Consumer<Authorization> answer) {
    String realm = credentials.realm().isEmpty() ? originRealm : credentials.realm();
    ask(
        HelloAaRequests.request(nextSession(), originHost, originRealm, realm, credentials),
        answer);
  }

  /**
   * Seed 002 c50-52: a node the sink authenticated by a certificate of its own MSM's CA is
   * authorised by that MSM, in the sink's own realm, with an AUTHORIZE_ONLY AA-Request.
   */
  @Override
  public void authorizeCertified(CertifiedNode node, Consumer<Authorization> answer) {
    ask(
        HelloAaRequests.certifiedRequest(nextSession(), originHost, originRealm, originRealm, node),
        answer);
  }

  /**
   * Seed 002 c56: the certificates the MSM of the sink's own realm issued under {@code dnsName}, in
   * an AUTHENTICATE_ONLY AA-Request; none if it has none or cannot be reached.
   */
  @Override
  public void certificates(String dnsName, Consumer<List<byte[]>> answer) {
    sender.send(
        CertificateRequests.request(nextSession(), originHost, originRealm, originRealm, dnsName),
        a -> answer.accept(CertificateRequests.certificates(a)));
  }

  private String nextSession() {
    return Nasreq.sessionId(originHost, boot, sessions.incrementAndGet());
  }

  private void ask(DiameterMessage request, Consumer<Authorization> answer) {
    sender.send(request, a -> answer.accept(authorization(a)));
  }

  /** What an AA-Answer says about the node. */
  static Authorization authorization(DiameterMessage answer) {
    long code;
    try {
      code = answer.resultCode();
    } catch (MalformedDiameterException e) {
      return Authorization.refused(Authorization.Outcome.MALFORMED);
    }
    if (code == ResultCode.SUCCESS) {
      try {
        List<GrantedRoute> routes = new ArrayList<>();
        for (FramedRoute r : Nasreq.routes(answer)) {
          routes.add(
              new GrantedRoute(
                  Prefix.parse(r.prefix()), Ipv4Address.parse(r.gateway()), r.metric()));
        }
        return Authorization.admitted(routes, Nasreq.filterRules(answer));
      } catch (MalformedDiameterException | IllegalArgumentException e) {
        return Authorization.refused(Authorization.Outcome.MALFORMED);
      }
    }
    if (code == ResultCode.AUTHENTICATION_REJECTED) {
      return Authorization.refused(
          HelloAaRequests.isDuplicate(answer)
              ? Authorization.Outcome.DUPLICATE
              : Authorization.Outcome.REJECTED);
    }
    if (code >= 3000 && code < 4000) {
      return Authorization.refused(Authorization.Outcome.UNREACHABLE);
    }
    if (code >= 5000) {
      return Authorization.refused(Authorization.Outcome.MALFORMED);
    }
    return Authorization.refused(Authorization.Outcome.REJECTED);
  }
}
