package io.mvpn.ike.message;

import static io.mvpn.ike.message.IkeTestMessages.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each payload class: written, parsed back equal, and written again to the same bytes. */
class PayloadRoundTripTest {

  private static final HexFormat HEX = HexFormat.of();

  static Stream<IkePayload> payloads() {
    return Stream.concat(
        IkeTestMessages.authPayloads().stream(),
        Stream.of(
            IkeTestMessages.saInitResponse().first(SecurityAssociationPayload.class),
            new KeyExchangePayload(Transform.CURVE25519, bytes(1, 32)),
            new NoncePayload(bytes(0, 16)),
            new NoncePayload(bytes(0, 256)),
            new NotifyPayload(
                Proposal.ESP, Octets.ofHex("00001001"), NotifyPayload.REKEY_SA, Octets.EMPTY),
            NotifyPayload.of(NotifyPayload.COOKIE2, bytes(9, 8)),
            NotifyPayload.of(
                NotifyPayload.NO_NATS_ALLOWED, Octets.ofHex("c0000201c633640a01f401f4")),
            DeletePayload.ikeSa(),
            new DeletePayload(Proposal.ESP, 4, List.of()),
            new EncryptedPayload(IkePayload.IDI, bytes(0, 57)),
            new EncryptedPayload(IkePayload.NONE, Octets.EMPTY),
            new EncryptedFragmentPayload(IkePayload.IDI, 1, 3, bytes(0, 40)),
            new EncryptedFragmentPayload(IkePayload.NONE, 3, 3, bytes(0, 10)),
            new TrafficSelectorPayload(
                true,
                List.of(
                    new TrafficSelector(10, 0, 0, 0, bytes(0, 12), Octets.EMPTY),
                    TrafficSelector.ipv4(1, 0x0800, 0x08FF, Ipv4Address.ANY, Ipv4Address.ANY))),
            ConfigurationPayload.of(
                ConfigurationPayload.CFG_REPLY,
                ConfigurationAttribute.ipv4(
                    ConfigurationAttribute.INTERNAL_IP4_ADDRESS, Ipv4Address.parse("10.9.0.7")),
                ConfigurationAttribute.ipv4(
                    ConfigurationAttribute.INTERNAL_IP4_NETMASK, Ipv4Address.parse("255.255.0.0")),
                ConfigurationAttribute.ipv4(
                    ConfigurationAttribute.INTERNAL_IP4_DNS, Ipv4Address.parse("10.9.0.1"))),
            ConfigurationPayload.of(ConfigurationPayload.CFG_ACK),
            new SecurityAssociationPayload(
                List.of(
                    new Proposal(
                        1,
                        Proposal.IKE,
                        bytes(1, 8),
                        List.of(
                            new Transform(
                                Transform.ENCR,
                                Transform.ENCR_AES_CBC,
                                List.of(
                                    TransformAttribute.keyLength(128),
                                    new TransformAttribute(99, false, bytes(0, 5)),
                                    new TransformAttribute(98, true, Octets.ofHex("abcd")))),
                            Transform.of(Transform.INTEG, Transform.AUTH_HMAC_SHA2_256_128),
                            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256),
                            Transform.of(Transform.DH, Transform.MODP_2048))),
                    new Proposal(2, Proposal.AH, Octets.EMPTY, List.of())))));
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void bodyRoundTrips(IkePayload payload) throws IkeFormatException {
    ByteBuf body = Unpooled.buffer();
    payload.writeBody(body);
    assertThat(body.readableBytes()).isEqualTo(payload.bodyLength());
    IkeMessage alone = IkeMessage.of(IkeHeader.of(1, 2, IkeHeader.INFORMATIONAL, 0, 7), payload);
    byte[] wire = alone.toByteArray();
    IkeMessage parsed = IkeMessage.parse(Unpooled.wrappedBuffer(wire));
    assertThat(parsed.payloads()).containsExactly(payload);
    assertThat(parsed.toByteArray()).isEqualTo(wire);
    assertThat(parsed.payloads().get(0).toString()).isNotBlank();
  }

  @Test
  void wholeAuthMessageRoundTripsInOrder() throws IkeFormatException {
    IkeMessage m = IkeTestMessages.plainAuthRequest();
    IkeMessage parsed = IkeMessage.parse(Unpooled.wrappedBuffer(m.toByteArray()));
    assertThat(parsed).isEqualTo(m);
    assertThat(parsed.payloads()).isEqualTo(IkeTestMessages.authPayloads());
    assertThat(parsed.toString()).contains("IKE_AUTH", "mn1.example.net");
  }

  @Test
  void keyLengthIsTheTvAttribute0x800e() {
    ByteBuf out = Unpooled.buffer();
    Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 128).writeTo(out, true);
    assertThat(HEX.formatHex(out.array(), 0, out.writerIndex()))
        .isEqualTo("0000000c01000014800e0080");
    assertThat(Transform.of(Transform.PRF, 5).keyLength()).isEqualTo(-1);
  }

  @Test
  void unknownTransformAttributesAreKept() throws IkeFormatException {
    SecurityAssociationPayload sa =
        (SecurityAssociationPayload) payloads().toList().get(payloads().toList().size() - 1);
    ByteBuf body = Unpooled.buffer();
    sa.writeBody(body);
    Transform t = SecurityAssociationPayload.parse(body).proposal(1).transforms().get(0);
    assertThat(t.keyLength()).isEqualTo(128);
    assertThat(t.attributes())
        .containsExactly(
            TransformAttribute.keyLength(128),
            new TransformAttribute(99, false, bytes(0, 5)),
            new TransformAttribute(98, true, Octets.ofHex("abcd")));
  }

  @Test
  void restOfIdPayloadIsTypeReservedAndData() {
    assertThat(HEX.formatHex(IdentificationPayload.fqdn(true, "a.b").restOfIdPayload()))
        .isEqualTo("02000000612e62");
    assertThat(
            HEX.formatHex(
                IdentificationPayload.ipv4(false, Ipv4Address.parse("192.0.2.1"))
                    .restOfIdPayload()))
        .isEqualTo("01000000c0000201");
  }

  @Test
  void reservedBytesOfAReceivedIdAreNotPartOfIt() throws IkeFormatException {
    IdentificationPayload id =
        IdentificationPayload.parse(true, Unpooled.wrappedBuffer(HEX.parseHex("02ffffff612e62")));
    assertThat(id.text()).isEqualTo("a.b");
    assertThat(HEX.formatHex(id.restOfIdPayload())).isEqualTo("02000000612e62");
  }

  @Test
  void trafficSelectorsOfBothFamilies() throws IkeFormatException {
    ByteBuf body = Unpooled.buffer();
    TrafficSelectorPayload tsr = (TrafficSelectorPayload) IkeTestMessages.authPayloads().get(10);
    tsr.writeBody(body);
    assertThat(HEX.formatHex(body.array(), 0, 20))
        .isEqualTo("02000000" + "07110010" + "01f401f4" + "00000000" + "ffffffff");
    TrafficSelectorPayload parsed = TrafficSelectorPayload.parse(false, body);
    assertThat(parsed.selectors().get(0).startIpv4()).isEqualTo(Ipv4Address.ANY);
    assertThat(parsed.selectors().get(0).endIpv4()).isEqualTo(Ipv4Address.BROADCAST);
    assertThat(parsed.selectors().get(1).type()).isEqualTo(TrafficSelector.TS_IPV6_ADDR_RANGE);
    assertThat(parsed.selectors().get(1).encodedLength()).isEqualTo(40);
  }

  @Test
  void configurationAttributesOfARemoteAccessReply() throws IkeFormatException {
    ByteBuf body =
        Unpooled.wrappedBuffer(
            HEX.parseHex(
                "02000000" + "00010004" + "0a090007" + "00030004" + "0a090001" + "7fff0000"));
    ConfigurationPayload cp = ConfigurationPayload.parse(body);
    assertThat(cp.cfgType()).isEqualTo(ConfigurationPayload.CFG_REPLY);
    assertThat(cp.attribute(ConfigurationAttribute.INTERNAL_IP4_ADDRESS).ipv4Value())
        .isEqualTo(Ipv4Address.parse("10.9.0.7"));
    assertThat(cp.attribute(ConfigurationAttribute.INTERNAL_IP4_DNS).ipv4Value())
        .isEqualTo(Ipv4Address.parse("10.9.0.1"));
    assertThat(cp.attribute(0x7FFF).value()).isEqualTo(Octets.EMPTY);
    assertThat(cp.attribute(ConfigurationAttribute.INTERNAL_IP4_NETMASK)).isNull();
  }

  @Test
  void certificateRequestSplitsIntoCaKeyHashes() {
    CertificateRequestPayload req =
        (CertificateRequestPayload) IkeTestMessages.authPayloads().get(2);
    assertThat(req.caKeyHashes()).containsExactly(bytes(0x80, 20), bytes(0x90, 20));
  }

  @Test
  void nonceLengthIsEnforcedBothWays() {
    assertThatThrownBy(() -> new NoncePayload(bytes(0, 15)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NoncePayload(bytes(0, 257)))
        .isInstanceOf(IllegalArgumentException.class);
    for (int n : new int[] {0, 15, 257}) {
      assertThatThrownBy(() -> NoncePayload.parse(Unpooled.wrappedBuffer(new byte[n])))
          .isInstanceOf(IkeFormatException.class)
          .extracting(e -> ((IkeFormatException) e).reason())
          .isEqualTo(IkeFormatException.Reason.INVALID_SYNTAX);
    }
  }

  @Test
  void fragmentNumbersAreChecked() {
    for (String body : new String[] {"00000001", "00010000", "00030002"}) {
      assertThatThrownBy(
              () -> EncryptedFragmentPayload.parse(0, Unpooled.wrappedBuffer(HEX.parseHex(body))))
          .isInstanceOf(IkeFormatException.class);
    }
    assertThatThrownBy(
            () ->
                EncryptedFragmentPayload.parse(
                    IkePayload.IDI, Unpooled.wrappedBuffer(HEX.parseHex("00020002"))))
        .isInstanceOf(IkeFormatException.class);
  }

  @Test
  void notifyErrorAndStatusTypes() {
    assertThat(NotifyPayload.of(NotifyPayload.CHILD_SA_NOT_FOUND).isError()).isTrue();
    assertThat(NotifyPayload.of(NotifyPayload.UPDATE_SA_ADDRESSES).isError()).isFalse();
    assertThat(NotifyPayload.SIGNATURE_HASH_ALGORITHMS).isEqualTo(16431);
    assertThat(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED).isEqualTo(16430);
    assertThat(NotifyPayload.NO_NATS_ALLOWED).isEqualTo(16402);
  }

  @Test
  void deleteSpiCountMustMatchTheBody() {
    assertThatThrownBy(
            () ->
                DeletePayload.parse(Unpooled.wrappedBuffer(HEX.parseHex("03040002" + "00001001"))))
        .isInstanceOf(IkeFormatException.class);
  }
}
