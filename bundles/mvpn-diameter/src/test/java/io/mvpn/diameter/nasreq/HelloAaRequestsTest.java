package io.mvpn.diameter.nasreq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An authenticated hello in an AA-Request (seed 002 c41): the round trip and the typed errors. */
class HelloAaRequestsTest {

  private static final String NAI = "alice@acme.example";

  @Test
  void theCredentialsCrossTheWireUnchanged() throws Exception {
    HelloCredentials sent = credentials(NAI, 0x100, 77);
    DiameterMessage decoded =
        DiameterMessage.decode(Unpooled.wrappedBuffer(request(sent).toBytes()));

    decoded.requireKnownMandatoryAvps();
    assertThat(decoded.utf8(AvpCode.DESTINATION_REALM)).isEqualTo("acme.example");
    assertThat(HelloAaRequests.credentials(decoded)).isEqualTo(sent);
  }

  @Test
  void aCertifiedNodeCrossesTheWireWithItsFqdnAddressAndHelloEnteringASiteOfTheOriginRealm()
      throws Exception {
    CertifiedNode node =
        new CertifiedNode(
            "alice.acme.example",
            Ipv4Address.parse("10.1.0.3"),
            1_780_300_800_123L,
            0x8877665544332211L,
            "ab12",
            "acme.example");
    DiameterMessage decoded =
        DiameterMessage.decode(
            Unpooled.wrappedBuffer(
                HelloAaRequests.certifiedRequest(
                        "sink.acme.example;1;2",
                        "sink.acme.example",
                        "globex.example",
                        "acme.example",
                        node)
                    .toBytes()));

    decoded.requireKnownMandatoryAvps();
    assertThat(HelloAaRequests.isCertified(decoded)).isTrue();
    assertThat(HelloAaRequests.certifiedNode(decoded))
        .isEqualTo(
            new CertifiedNode(
                "alice.acme.example",
                Ipv4Address.parse("10.1.0.3"),
                1_780_300_800_123L,
                0x8877665544332211L,
                "",
                "globex.example"));
    assertThat(decoded.find(AvpCode.CHAP_CHALLENGE).orElseThrow().dataLength()).isEqualTo(16);
    assertThat(decoded.find(AvpCode.CHAP_AUTH)).isEmpty();
    assertThat(HelloAaRequests.isCertified(request(credentials(NAI, 1, 1)))).isFalse();
  }

  @Test
  void aCertifiedRequestWithoutTheHellosTimestampAndNonceIs5005AndWithAShortOneIs5004() {
    DiameterMessage full =
        HelloAaRequests.certifiedRequest(
            "sink.acme.example;1;3",
            "sink.acme.example",
            "acme.example",
            "acme.example",
            new CertifiedNode(
                "alice.acme.example", Ipv4Address.parse("10.1.0.3"), 9, 9, "", "acme.example"));
    List<Avp> without = new ArrayList<>();
    List<Avp> shortened = new ArrayList<>();
    for (Avp a : full.avps()) {
      if (a.code() == AvpCode.CHAP_CHALLENGE) {
        shortened.add(Avp.mandatory(AvpCode.CHAP_CHALLENGE, new byte[8]));
      } else {
        without.add(a);
        shortened.add(a);
      }
    }

    assertThat(certifiedCode(without)).isEqualTo(ResultCode.MISSING_AVP);
    assertThat(certifiedCode(shortened)).isEqualTo(ResultCode.INVALID_AVP_VALUE);
  }

  private static int certifiedCode(List<Avp> avps) {
    DiameterMessage m = new DiameterMessage(0x80, 265, 1, 0, 0, avps);
    return catchThrowableOfType(
            MalformedDiameterException.class, () -> HelloAaRequests.certifiedNode(m))
        .resultCode();
  }

  @Test
  void aChallengeThatDoesNotEndWithTheUserNameIs5004() {
    HelloCredentials other = credentials("mallory@acme.example", 0x100, 77);
    DiameterMessage m = withUserName(request(other), NAI);

    assertThat(code(m)).isEqualTo(ResultCode.INVALID_AVP_VALUE);
  }

  @Test
  void anUnknownChapAlgorithmIs5004AndAMissingAvpIs5005() {
    DiameterMessage m = request(credentials(NAI, 1, 1));
    List<Avp> avps = new ArrayList<>();
    for (Avp a : m.avps()) {
      if (a.code() == AvpCode.CHAP_AUTH) {
        avps.add(
            Avp.grouped(
                AvpCode.CHAP_AUTH,
                List.of(
                    Avp.unsigned32(AvpCode.CHAP_ALGORITHM, 5),
                    Avp.mandatory(AvpCode.CHAP_IDENT, new byte[] {1}),
                    Avp.mandatory(AvpCode.CHAP_RESPONSE, new byte[16]))));
      } else if (a.code() != AvpCode.FRAMED_IP_ADDRESS) {
        avps.add(a);
      }
    }
    DiameterMessage md5 = new DiameterMessage(m.flags(), m.commandCode(), 1, 0, 0, avps);
    assertThat(code(md5)).isEqualTo(ResultCode.MISSING_AVP); // no Framed-IP-Address

    avps.add(Avp.mandatory(AvpCode.FRAMED_IP_ADDRESS, new byte[] {10, 1, 0, 3}));
    assertThat(code(new DiameterMessage(m.flags(), m.commandCode(), 1, 0, 0, avps)))
        .isEqualTo(ResultCode.INVALID_AVP_VALUE);
  }

  @Test
  void theSinkReadsEachAnswerAsTheOutcomeItMeans() {
    DiameterMessage request = request(credentials(NAI, 1, 1));
    assertThat(outcome(request, ResultCode.AUTHENTICATION_REJECTED, List.of()))
        .isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(outcome(request, ResultCode.UNABLE_TO_DELIVER, List.of()))
        .isEqualTo(Authorization.Outcome.UNREACHABLE);
    assertThat(outcome(request, ResultCode.INVALID_AVP_VALUE, List.of()))
        .isEqualTo(Authorization.Outcome.MALFORMED);
    assertThat(
            outcome(
                request,
                ResultCode.SUCCESS,
                List.of(Avp.utf8(AvpCode.FRAMED_ROUTE, "10.1.0.0/16 0.0.0.0 1"))))
        .isEqualTo(Authorization.Outcome.ADMITTED);
    assertThat(
            outcome(
                request,
                ResultCode.SUCCESS,
                List.of(Avp.utf8(AvpCode.FRAMED_ROUTE, "10.1.0.1/16 nowhere 1"))))
        .as("a route the sink cannot install")
        .isEqualTo(Authorization.Outcome.MALFORMED);
  }

  private static Authorization.Outcome outcome(DiameterMessage request, int code, List<Avp> avps) {
    return HelloAaClient.authorization(DiameterMessage.answer(request, code, avps)).outcome();
  }

  private static DiameterMessage request(HelloCredentials c) {
    return HelloAaRequests.request(
        Nasreq.sessionId("sink.acme.example", 1, 1),
        "sink.acme.example",
        "acme.example",
        c.realm(),
        c);
  }

  private static DiameterMessage withUserName(DiameterMessage m, String name) {
    List<Avp> avps = new ArrayList<>();
    for (Avp a : m.avps()) {
      avps.add(a.code() == AvpCode.USER_NAME ? Avp.utf8(AvpCode.USER_NAME, name) : a);
    }
    return new DiameterMessage(m.flags(), m.commandCode(), m.applicationId(), 0, 0, avps);
  }

  private static int code(DiameterMessage m) {
    return catchThrowableOfType(
            MalformedDiameterException.class, () -> HelloAaRequests.credentials(m))
        .resultCode();
  }

  /** Signed octets ending as a hello's do: SPI, timestamp, identity length, identity. */
  static HelloCredentials credentials(String nai, int spi, long timestamp) {
    byte[] id = nai.getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[22 + 13 + id.length];
    for (int i = 0; i < 4; i++) {
      signed[22 + i] = (byte) (spi >>> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++) {
      signed[26 + i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    signed[34] = (byte) id.length;
    System.arraycopy(id, 0, signed, 35, id.length);
    return new HelloCredentials(
        nai, Ipv4Address.parse("10.1.0.3"), spi, timestamp, signed, new byte[32], "acme.example");
  }
}
