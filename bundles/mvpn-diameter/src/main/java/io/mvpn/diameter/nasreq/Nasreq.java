package io.mvpn.diameter.nasreq;

import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import java.util.ArrayList;
import java.util.List;

/**
 * The NASREQ application (RFC 7155), the one a sink uses to ask a node's home MSM whether it may
 * enter and which static routes and filters it gets: AA-Request and AA-Answer (command 265,
 * proxiable) with Framed-Route and NAS-Filter-Rule.
 */
public final class Nasreq {

  public static final long APPLICATION_ID = 1;

  /** Auth-Request-Type AUTHORIZE_AUTHENTICATE (RFC 6733 §8.7). */
  public static final long AUTHORIZE_AUTHENTICATE = 3;

  /** Auth-Request-Type AUTHENTICATE_ONLY (RFC 6733 §8.7): no authorisation is asked for. */
  public static final long AUTHENTICATE_ONLY = 1;

  /** Auth-Request-Type AUTHORIZE_ONLY (RFC 6733 §8.7): the NAS authenticated the user itself. */
  public static final long AUTHORIZE_ONLY = 2;

  private Nasreq() {}

  /** Session-Id of §8.8: the origin's identity and two 32-bit numbers unique to it. */
  public static String sessionId(String originHost, long high, long low) {
    return originHost + ";" + (high & 0xFFFFFFFFL) + ";" + (low & 0xFFFFFFFFL);
  }

  /** An AA-Request for {@code userName} with an optional password, toward a realm. */
  public static DiameterMessage aaRequest(
      String sessionId,
      String originHost,
      String originRealm,
      String destinationRealm,
      String userName,
      byte[] password) {
    return aaRequest(
        sessionId,
        originHost,
        originRealm,
        destinationRealm,
        AUTHORIZE_AUTHENTICATE,
        userName,
        password);
  }

  /** An AA-Request as above, of the Auth-Request-Type given. */
  public static DiameterMessage aaRequest(
      String sessionId,
      String originHost,
      String originRealm,
      String destinationRealm,
      long authRequestType,
      String userName,
      byte[] password) {
    List<Avp> avps = new ArrayList<>();
    avps.add(Avp.utf8(AvpCode.SESSION_ID, sessionId));
    avps.add(Avp.unsigned32(AvpCode.AUTH_APPLICATION_ID, APPLICATION_ID));
    avps.add(Avp.utf8(AvpCode.ORIGIN_HOST, originHost));
    avps.add(Avp.utf8(AvpCode.ORIGIN_REALM, originRealm));
    avps.add(Avp.utf8(AvpCode.DESTINATION_REALM, destinationRealm));
    avps.add(Avp.unsigned32(AvpCode.AUTH_REQUEST_TYPE, authRequestType));
    avps.add(Avp.utf8(AvpCode.USER_NAME, userName));
    if (password != null) {
      avps.add(Avp.mandatory(AvpCode.USER_PASSWORD, password));
    }
    return DiameterMessage.request(CommandCode.AA, APPLICATION_ID, true, avps);
  }

  /** The AVPs of a successful AA-Answer after Result-Code and the origin. */
  public static List<Avp> grant(List<FramedRoute> routes, List<String> filterRules) {
    List<Avp> avps = new ArrayList<>();
    avps.add(Avp.unsigned32(AvpCode.AUTH_APPLICATION_ID, APPLICATION_ID));
    avps.add(Avp.unsigned32(AvpCode.AUTH_REQUEST_TYPE, AUTHORIZE_AUTHENTICATE));
    for (FramedRoute r : routes) {
      avps.add(Avp.utf8(AvpCode.FRAMED_ROUTE, r.toString()));
    }
    for (String rule : filterRules) {
      avps.add(Avp.utf8(AvpCode.NAS_FILTER_RULE, rule));
    }
    return avps;
  }

  /** The Framed-Routes of an AA-Answer. */
  public static List<FramedRoute> routes(DiameterMessage answer) throws MalformedDiameterException {
    List<FramedRoute> routes = new ArrayList<>();
    for (Avp a : answer.findAll(AvpCode.FRAMED_ROUTE)) {
      routes.add(FramedRoute.parse(a.asUtf8()));
    }
    return routes;
  }

  /** The NAS-Filter-Rules of an AA-Answer, as text. */
  public static List<String> filterRules(DiameterMessage answer) {
    return answer.findAll(AvpCode.NAS_FILTER_RULE).stream().map(Avp::asUtf8).toList();
  }
}
