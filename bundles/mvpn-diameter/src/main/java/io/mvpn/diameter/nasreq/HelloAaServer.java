package io.mvpn.diameter.nasreq;

import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.peer.RequestHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The home MSM's NASREQ server for authenticated hellos (seed 002 c41): an AA-Request's credentials
 * (or, for AUTHORIZE_ONLY, the certified node it names, c50-52) go to the MSM's {@link
 * NodeAuthority}, which must answer at once (it holds the keys in memory); admitted, the AA-Answer
 * is DIAMETER_SUCCESS with the granted routes as Framed-Route AVPs and the workgroup filter as
 * NAS-Filter-Rule AVPs; refused (unknown node, wrong authenticator, replay),
 * DIAMETER_AUTHENTICATION_REJECTED (4001) with nothing granted; a hello another sink of the site
 * (the request's Origin-Realm) already had authorised is a 4001 marked as a duplicate
 * (MVPN-Hello-Duplicate). An AUTHENTICATE_ONLY AA-Request asks for the certificates the MSM's CA
 * issued under a name instead (c56, {@link CertificateRequests}), answered only for a member of the
 * requester's own Origin-Realm.
 */
public final class HelloAaServer implements RequestHandler {

  /** The answers counted by what was asked ({@code hello}, {@code certificates}) and outcome. */
  public record Counted(String request, String outcome) {}

  private static final Comparator<Counted> BY_NAME =
      Comparator.comparing(Counted::request).thenComparing(Counted::outcome);

  private static final String PREFIX = "aa-answers/";

  private final NodeAuthority msm;
  private final CounterStore store;
  private final String scope;
  // Written and read on the node's scheduler, as every handler runs there; the requests and
  // outcomes are this class's own words, so the keys stay few.
  private final Map<Counted, Counter> counts = new TreeMap<>(BY_NAME);

  public HelloAaServer(NodeAuthority msm) {
    this(msm, null, null);
  }

  /**
   * A server that counts in {@code store} (if not null), in {@code scope}, as {@code
   * aa-answers/REQUEST/OUTCOME}: a server that follows another over the same store and scope goes
   * on from its counts.
   */
  public HelloAaServer(NodeAuthority msm, CounterStore store, String scope) {
    this.msm = msm;
    this.store = store;
    this.scope = scope;
    if (store != null) {
      for (String name : store.snapshot(scope).keySet()) {
        String[] f = name.split("/");
        if (name.startsWith(PREFIX) && f.length == 3) {
          counts.put(new Counted(f[1], f[2]), store.counter(scope, name));
        }
      }
    }
  }

  /**
   * The AA-Requests answered, by what they asked and how they were answered: a hello {@code
   * admitted} or refused ({@code rejected}, {@code unknown_node}, {@code malformed}, {@code
   * duplicate}), certificates {@code found} or {@code none}, either {@code unable} when the MSM did
   * not answer at once. Read on the node's scheduler.
   */
  public Map<Counted, Long> counts() {
    Map<Counted, Long> copy = new TreeMap<>(BY_NAME);
    counts.forEach((counted, counter) -> copy.put(counted, counter.get()));
    return copy;
  }

  private void count(String request, String outcome) {
    counts
        .computeIfAbsent(
            new Counted(request, outcome),
            c -> Counter.of(store, scope, PREFIX + request + "/" + outcome))
        .increment();
  }

  @Override
  public Answer handle(DiameterMessage request) throws MalformedDiameterException {
    if (request.commandCode() != CommandCode.AA) {
      return new Answer(ResultCode.COMMAND_UNSUPPORTED, List.of());
    }
    if (CertificateRequests.isCertificateRequest(request)) {
      return certificates(request.utf8(AvpCode.ORIGIN_REALM), CertificateRequests.dnsName(request));
    }
    Authorization[] got = new Authorization[1];
    if (HelloAaRequests.isCertified(request)) {
      msm.authorizeCertified(HelloAaRequests.certifiedNode(request), a -> got[0] = a);
    } else {
      msm.authorize(HelloAaRequests.credentials(request), a -> got[0] = a);
    }
    Authorization a = got[0];
    if (a == null) {
      count("hello", "unable");
      return new Answer(ResultCode.UNABLE_TO_COMPLY, List.of());
    }
    count("hello", a.outcome().name().toLowerCase(Locale.ROOT));
    if (a.isAdmitted()) {
      List<FramedRoute> routes = new ArrayList<>();
      for (GrantedRoute r : a.routes()) {
        routes.add(new FramedRoute(r.prefix().toString(), r.gateway().toString(), r.metric()));
      }
      return new Answer(ResultCode.SUCCESS, Nasreq.grant(routes, a.filterRules()));
    }
    List<Avp> avps = new ArrayList<>(Nasreq.grant(List.of(), List.of()));
    avps.add(Avp.utf8(AvpCode.ERROR_MESSAGE, why(a.outcome())).notMandatory());
    if (a.outcome() == Authorization.Outcome.DUPLICATE) {
      avps.add(HelloAaRequests.duplicateMark());
    }
    return new Answer(
        a.outcome() == Authorization.Outcome.MALFORMED
            ? ResultCode.INVALID_AVP_VALUE
            : ResultCode.AUTHENTICATION_REJECTED,
        avps);
  }

  /**
   * Seed 002 c56: the certificates the MSM's CA issued under {@code dnsName}, to a peer of {@code
   * originRealm}: only its own site's members' (else 4001, as for a hello of another realm's node).
   */
  private Answer certificates(String originRealm, String dnsName) {
    List<List<byte[]>> got = new ArrayList<>(1);
    msm.certificates(originRealm, dnsName, got::add);
    if (got.isEmpty()) {
      count("certificates", "unable");
      return new Answer(ResultCode.UNABLE_TO_COMPLY, List.of());
    }
    count("certificates", got.get(0).isEmpty() ? "none" : "found");
    if (got.get(0).isEmpty()) {
      List<Avp> avps = new ArrayList<>(CertificateRequests.answer(List.of()));
      avps.add(Avp.utf8(AvpCode.ERROR_MESSAGE, "no certificate").notMandatory());
      return new Answer(ResultCode.AUTHENTICATION_REJECTED, avps);
    }
    return new Answer(ResultCode.SUCCESS, CertificateRequests.answer(got.get(0)));
  }

  private static String why(Authorization.Outcome outcome) {
    switch (outcome) {
      case UNKNOWN_NODE:
        return "unknown node";
      case MALFORMED:
        return "malformed credentials";
      case DUPLICATE:
        return "hello taken at another sink of the site";
      default:
        return "authentication failed";
    }
  }
}
