package io.mvpn.diameter.nasreq;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an authenticated hello travels in a NASREQ AA-Request (RFC 7155), the CHAP way: the sink
 * relays a challenge and the node's response, the home server holds the secret. User-Name is the
 * node's NAI; Framed-IP-Address the address it claims; CHAP-Challenge the bytes the node signed
 * (its hello up to the authenticator, ending with SPI, timestamp, identity length and identity);
 * CHAP-Auth groups CHAP-Algorithm {@link #HMAC_SHA256} (ours: RFC 7155 knows only 5, CHAP with MD5,
 * and a server that does not know ours answers 5004 and admits nobody, the safe failure),
 * CHAP-Ident (the low octet of the timestamp; the grouping requires one) and CHAP-Response, the
 * HMAC-SHA256. Standard AVPs, so any Diameter node relays them and tshark names them.
 */
public final class HelloAaRequests {

  /** CHAP-Algorithm of an HMAC-SHA256 response over the hello (the AODV extension's type). */
  public static final long HMAC_SHA256 = 230;

  /** Octets of a certified hello's CHAP-Challenge: its timestamp (ms) and nonce, 8 each. */
  public static final int FRESHNESS_LENGTH = 16;

  private static final int TAIL = 4 + 8 + 1;

  private HelloAaRequests() {}

  public static DiameterMessage request(
      String sessionId,
      String originHost,
      String originRealm,
      String destinationRealm,
      HelloCredentials c) {
    DiameterMessage m =
        Nasreq.aaRequest(sessionId, originHost, originRealm, destinationRealm, c.identity(), null);
    return m.with(Avp.mandatory(AvpCode.FRAMED_IP_ADDRESS, c.address().toBytes()))
        .with(Avp.mandatory(AvpCode.CHAP_CHALLENGE, c.signedBytes()))
        .with(
            Avp.grouped(
                AvpCode.CHAP_AUTH,
                List.of(
                    Avp.unsigned32(AvpCode.CHAP_ALGORITHM, HMAC_SHA256),
                    Avp.mandatory(AvpCode.CHAP_IDENT, new byte[] {(byte) c.timestamp()}),
                    Avp.mandatory(AvpCode.CHAP_RESPONSE, c.authenticator()))));
  }

  /**
   * Seed 002 c50-52 over NASREQ: a node the sink authenticated by its certificate, to be authorised
   * only (Auth-Request-Type AUTHORIZE_ONLY): User-Name is the certificate's DNS name (the member's
   * FQDN), Framed-IP-Address the address the node claims, CHAP-Challenge the hello's signed
   * timestamp and nonce ({@link #FRESHNESS_LENGTH} octets), which the home server keeps so that a
   * hello replayed at another sink is refused there. No credentials travel: the home server trusts
   * its sink peers to have checked the certificate, as it trusts them to apply the filter.
   */
  public static DiameterMessage certifiedRequest(
      String sessionId,
      String originHost,
      String originRealm,
      String destinationRealm,
      CertifiedNode node) {
    return Nasreq.aaRequest(
            sessionId,
            originHost,
            originRealm,
            destinationRealm,
            Nasreq.AUTHORIZE_ONLY,
            node.identity(),
            null)
        .with(Avp.mandatory(AvpCode.FRAMED_IP_ADDRESS, node.address().toBytes()))
        .with(
            Avp.mandatory(
                AvpCode.CHAP_CHALLENGE,
                java.nio.ByteBuffer.allocate(FRESHNESS_LENGTH)
                    .putLong(node.timestamp())
                    .putLong(node.nonce())
                    .array()));
  }

  /** Whether {@code m} asks only for authorisation of a certified node. */
  public static boolean isCertified(DiameterMessage m) throws MalformedDiameterException {
    return required(m, AvpCode.AUTH_REQUEST_TYPE).asUnsigned32() == Nasreq.AUTHORIZE_ONLY;
  }

  /**
   * The certified node an AUTHORIZE_ONLY AA-Request names, entering a site of the requesting peer's
   * Origin-Realm.
   */
  public static CertifiedNode certifiedNode(DiameterMessage m) throws MalformedDiameterException {
    Avp user = required(m, AvpCode.USER_NAME);
    Avp originRealm = required(m, AvpCode.ORIGIN_REALM);
    Avp address = required(m, AvpCode.FRAMED_IP_ADDRESS);
    Avp freshness = required(m, AvpCode.CHAP_CHALLENGE);
    if (address.dataLength() != 4) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE, "Framed-IP-Address of " + address.dataLength(), address);
    }
    if (freshness.dataLength() != FRESHNESS_LENGTH) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE,
          "CHAP-Challenge of " + freshness.dataLength() + " in an AUTHORIZE_ONLY request",
          freshness);
    }
    java.nio.ByteBuffer hello = java.nio.ByteBuffer.wrap(freshness.data());
    return new CertifiedNode(
        user.asUtf8(),
        Ipv4Address.of(address.data()),
        hello.getLong(),
        hello.getLong(),
        "",
        originRealm.asUtf8());
  }

  /**
   * The credentials an AA-Request carries, for a site of the requesting peer's Origin-Realm; a
   * typed error names the AVP that is wrong.
   */
  public static HelloCredentials credentials(DiameterMessage m) throws MalformedDiameterException {
    Avp user = required(m, AvpCode.USER_NAME);
    Avp originRealm = required(m, AvpCode.ORIGIN_REALM);
    Avp address = required(m, AvpCode.FRAMED_IP_ADDRESS);
    Avp challenge = required(m, AvpCode.CHAP_CHALLENGE);
    Avp auth = required(m, AvpCode.CHAP_AUTH);
    Avp algorithm = null;
    Avp response = null;
    for (Avp a : auth.asGrouped()) {
      if (a.code() == AvpCode.CHAP_ALGORITHM && a.vendorId() == 0) {
        algorithm = a;
      } else if (a.code() == AvpCode.CHAP_RESPONSE && a.vendorId() == 0) {
        response = a;
      }
    }
    if (algorithm == null || response == null) {
      throw new MalformedDiameterException(
          ResultCode.MISSING_AVP, "CHAP-Auth without CHAP-Algorithm or CHAP-Response", auth);
    }
    if (algorithm.asUnsigned32() != HMAC_SHA256) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE, "CHAP-Algorithm " + algorithm.asUnsigned32(), algorithm);
    }
    if (response.dataLength() != 32) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE, "CHAP-Response of " + response.dataLength(), response);
    }
    if (address.dataLength() != 4) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE, "Framed-IP-Address of " + address.dataLength(), address);
    }
    String identity = user.asUtf8();
    byte[] id = identity.getBytes(StandardCharsets.UTF_8);
    byte[] signed = challenge.data();
    int head = signed.length - id.length - TAIL;
    if (id.length == 0
        || head < 0
        || (signed[head + 12] & 0xFF) != id.length
        || !java.util.Arrays.equals(signed, head + TAIL, signed.length, id, 0, id.length)) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE,
          "CHAP-Challenge does not end with the User-Name",
          challenge);
    }
    int spi = 0;
    for (int i = 0; i < 4; i++) {
      spi = spi << 8 | (signed[head + i] & 0xFF);
    }
    long timestamp = 0;
    for (int i = 0; i < 8; i++) {
      timestamp = timestamp << 8 | (signed[head + 4 + i] & 0xFF);
    }
    return new HelloCredentials(
        identity,
        Ipv4Address.of(address.data()),
        spi,
        timestamp,
        signed,
        response.data(),
        originRealm.asUtf8());
  }

  /**
   * MVPN-Hello-Duplicate (Unsigned32, 1), in the project's vendor space: on a 4001, the hello was
   * authorised already for another sink of the requester's site, so the node is not refused.
   */
  public static final int HELLO_DUPLICATE = 2;

  public static Avp duplicateMark() {
    return Avp.of(HELLO_DUPLICATE, 0, CertificateRequests.VENDOR_ID, new byte[] {0, 0, 0, 1});
  }

  /** Whether an answer carries {@link #duplicateMark()}. */
  public static boolean isDuplicate(DiameterMessage answer) {
    return answer.avps().stream()
        .anyMatch(
            a -> a.code() == HELLO_DUPLICATE && a.vendorId() == CertificateRequests.VENDOR_ID);
  }

  private static Avp required(DiameterMessage m, int code) throws MalformedDiameterException {
    return m.find(code)
        .orElseThrow(
            () ->
                new MalformedDiameterException(
                    ResultCode.MISSING_AVP, "AA-Request without AVP " + code));
  }
}
