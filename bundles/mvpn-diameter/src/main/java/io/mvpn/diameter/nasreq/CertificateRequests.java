package io.mvpn.diameter.nasreq;

import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 002 c56 over NASREQ: a sink whose hello carried only a reference fetches the node's
 * certificate from the MSM. The request is an AA-Request with Auth-Request-Type AUTHENTICATE_ONLY
 * (1, RFC 6733 §8.7: the server supplies what the NAS authenticates the user with, and no
 * authorisation), User-Name the DNS name the reference gives. The AA-Answer, 2001, carries each
 * certificate the MSM's CA issued under that name as an {@link #CERTIFICATE} AVP (the DER), and no
 * routes or filters; a name with none is 4001. NASREQ has no AVP for a certificate, so this one is
 * vendor-specific, M bit clear: a relay forwards it unchanged and a server that does not know it
 * sends none, which leaves the sink with no certificate and the node refused, the safe failure.
 */
public final class CertificateRequests {

  /**
   * The Vendor-Id of mvpn's AVPs: 32473, the enterprise number RFC 5612 sets aside for examples,
   * until the project registers one of its own; changing it changes only this constant.
   */
  public static final int VENDOR_ID = 32473;

  /** MVPN-Certificate (OctetString): one X.509 certificate, DER. */
  public static final int CERTIFICATE = 1;

  private CertificateRequests() {}

  public static DiameterMessage request(
      String sessionId,
      String originHost,
      String originRealm,
      String destinationRealm,
      String dnsName) {
    return Nasreq.aaRequest(
        sessionId,
        originHost,
        originRealm,
        destinationRealm,
        Nasreq.AUTHENTICATE_ONLY,
        CertificateDirectory.normalise(dnsName),
        null);
  }

  /** Whether {@code m} asks for certificates rather than for a node's admission. */
  public static boolean isCertificateRequest(DiameterMessage m) throws MalformedDiameterException {
    Avp type = m.find(AvpCode.AUTH_REQUEST_TYPE).orElse(null);
    return type != null && type.asUnsigned32() == Nasreq.AUTHENTICATE_ONLY;
  }

  /** The DNS name a certificate request asks for. */
  public static String dnsName(DiameterMessage m) throws MalformedDiameterException {
    return m.find(AvpCode.USER_NAME)
        .map(Avp::asUtf8)
        .filter(n -> !n.isBlank())
        .orElseThrow(
            () ->
                new MalformedDiameterException(
                    ResultCode.MISSING_AVP, "a certificate request without User-Name"));
  }

  /** The AVPs of a certificate answer after Result-Code and the origin. */
  public static List<Avp> answer(List<byte[]> certificates) {
    List<Avp> avps = new ArrayList<>();
    avps.add(Avp.unsigned32(AvpCode.AUTH_APPLICATION_ID, Nasreq.APPLICATION_ID));
    avps.add(Avp.unsigned32(AvpCode.AUTH_REQUEST_TYPE, Nasreq.AUTHENTICATE_ONLY));
    for (byte[] der : certificates) {
      avps.add(Avp.of(CERTIFICATE, 0, VENDOR_ID, der));
    }
    return avps;
  }

  /** The certificates a successful answer carries; none for any other answer. */
  public static List<byte[]> certificates(DiameterMessage answer) {
    try {
      if (answer.resultCode() != ResultCode.SUCCESS) {
        return List.of();
      }
    } catch (MalformedDiameterException e) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>();
    for (Avp a : answer.avps()) {
      if (a.code() == CERTIFICATE && a.vendorId() == VENDOR_ID) {
        out.add(a.data());
      }
    }
    return out;
  }
}
