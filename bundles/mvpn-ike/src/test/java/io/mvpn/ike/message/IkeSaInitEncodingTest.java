package io.mvpn.ike.message;

import static io.mvpn.ike.message.IkeTestMessages.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The IKE_SA_INIT request byte for byte, against fields written out by hand from RFC 7296 §3. */
class IkeSaInitEncodingTest {

  private static final HexFormat HEX = HexFormat.of();

  private static final String HEADER =
      "0102030405060708" // SPIi
          + "0000000000000000" // SPIr: 0 in the first request
          + "21" // Next Payload: SA (33)
          + "20" // version 2.0
          + "22" // IKE_SA_INIT (34)
          + "08" // flags: I
          + "00000000" // message ID 0
          + "0000010c"; // length 268 = 28 + 76 + 72 + 36 + 28 + 28

  private static final String TRANSFORMS_BEFORE_DH =
      "0300000c"
          + "01000014"
          + "800e0100" // more, len 12, ENCR 20 (AES-GCM-16), key length 256
          + "03000008"
          + "02000005"; // more, len 8, PRF 5 (HMAC-SHA2-256)

  private static final String SA =
      "2200004c" // Next: KE (34), length 76
          + "02000024"
          + "01010003" // more, len 36, proposal 1, IKE, SPI size 0, 3 transforms
          + TRANSFORMS_BEFORE_DH
          + "00000008"
          + "04000013" // last, len 8, D-H 19 (ECP-256)
          + "00000024"
          + "02010003" // last, len 36, proposal 2, IKE, SPI size 0, 3 transforms
          + TRANSFORMS_BEFORE_DH
          + "00000008"
          + "0400001f"; // last, len 8, D-H 31 (Curve25519)

  private static final String KE = "28000048" + "00130000"; // Next: Nonce, len 72, group 19

  private static final String NONCE = "29000024"; // Next: N, len 36

  private static final String NAT_D_SRC =
      "2900001c" + "00004004"; // Next: N, len 28, SPI size 0, 16388

  private static final String NAT_D_DST = "0000001c" + "00004005"; // last, len 28, 16389

  @Test
  void headerAndSaPayloadAreTheHandComputedBytes() {
    byte[] wire = IkeTestMessages.saInitRequest().toByteArray();
    assertThat(wire).hasSize(268);
    assertThat(HEX.formatHex(wire, 0, 28)).isEqualTo(HEADER);
    assertThat(HEX.formatHex(wire, 28, 28 + 76)).isEqualTo(SA);
  }

  @Test
  void wholeRequestIsTheHandComputedBytes() {
    String expected =
        HEADER
            + SA
            + KE
            + bytes(0x40, 64)
            + NONCE
            + bytes(0xA0, 32)
            + NAT_D_SRC
            + bytes(0x10, 20)
            + NAT_D_DST
            + bytes(0x30, 20);
    assertThat(HEX.formatHex(IkeTestMessages.saInitRequest().toByteArray())).isEqualTo(expected);
  }

  @Test
  void handComputedBytesParseToTheRequest() throws IkeFormatException {
    IkeMessage m =
        IkeMessage.parse(IkeTestMessages.wrap(IkeTestMessages.saInitRequest().toByteArray()));
    assertThat(m).isEqualTo(IkeTestMessages.saInitRequest());
    assertThat(m.header().spiR()).isZero();
    assertThat(m.header().isFromInitiator()).isTrue();
    assertThat(m.header().isRequest()).isTrue();
    SecurityAssociationPayload sa = m.first(SecurityAssociationPayload.class);
    assertThat(sa.proposals()).extracting(Proposal::number).containsExactly(1, 2);
    Transform encr = sa.proposal(1).transforms(Transform.ENCR).get(0);
    assertThat(encr.id()).isEqualTo(Transform.ENCR_AES_GCM_16);
    assertThat(encr.keyLength()).isEqualTo(256);
    assertThat(sa.proposal(1).transforms(Transform.INTEG)).isEmpty();
    assertThat(sa.proposal(2).transforms(Transform.DH).get(0).id()).isEqualTo(Transform.CURVE25519);
    assertThat(m.first(KeyExchangePayload.class).dhGroup()).isEqualTo(19);
    assertThat(m.first(NoncePayload.class).data().length()).isEqualTo(32);
    assertThat(m.notification(NotifyPayload.NAT_DETECTION_DESTINATION_IP).data())
        .isEqualTo(bytes(0x30, 20));
    assertThat(m.all(NotifyPayload.class)).hasSize(2);
  }
}
