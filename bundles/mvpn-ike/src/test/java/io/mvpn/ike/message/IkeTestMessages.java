package io.mvpn.ike.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;

/** Messages the tests share: an IKE_SA_INIT exchange and an IKE_AUTH request's inner payloads. */
final class IkeTestMessages {

  static final long SPI_I = 0x0102030405060708L;
  static final long SPI_R = 0x1112131415161718L;

  /** The header of the IKE_AUTH request, message ID 1. */
  static final IkeHeader AUTH_HEADER =
      IkeHeader.of(SPI_I, SPI_R, IkeHeader.IKE_AUTH, IkeHeader.INITIATOR, 1);

  private IkeTestMessages() {}

  /** {@code length} bytes counting up from {@code first}. */
  static Octets bytes(int first, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (first + i);
    }
    return Octets.of(b);
  }

  /** One IKE proposal: AES-GCM-16 with a 256-bit key, PRF_HMAC_SHA2_256 and this D-H group. */
  static Proposal ikeProposal(int number, int dhGroup) {
    return Proposal.of(
        number,
        Proposal.IKE,
        Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 256),
        Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256),
        Transform.of(Transform.DH, dhGroup));
  }

  /** HDR, SAi1 (groups 19 and 31), KEi (group 19), Ni, N(NAT_D_SRC), N(NAT_D_DST). */
  static IkeMessage saInitRequest() {
    return IkeMessage.of(
        IkeHeader.of(SPI_I, 0, IkeHeader.IKE_SA_INIT, IkeHeader.INITIATOR, 0),
        SecurityAssociationPayload.of(
            ikeProposal(1, Transform.ECP_256), ikeProposal(2, Transform.CURVE25519)),
        new KeyExchangePayload(Transform.ECP_256, bytes(0x40, 64)),
        new NoncePayload(bytes(0xA0, 32)),
        NotifyPayload.of(NotifyPayload.NAT_DETECTION_SOURCE_IP, bytes(0x10, 20)),
        NotifyPayload.of(NotifyPayload.NAT_DETECTION_DESTINATION_IP, bytes(0x30, 20)));
  }

  /** HDR, SAr1, KEr, Nr, N(NAT_D_SRC), N(NAT_D_DST), CERTREQ, N(FRAGMENTATION), N(SHA). */
  static IkeMessage saInitResponse() {
    return IkeMessage.of(
        IkeHeader.of(SPI_I, SPI_R, IkeHeader.IKE_SA_INIT, IkeHeader.RESPONSE, 0),
        SecurityAssociationPayload.of(ikeProposal(1, Transform.ECP_256)),
        new KeyExchangePayload(Transform.ECP_256, bytes(0x50, 64)),
        new NoncePayload(bytes(0xB0, 32)),
        NotifyPayload.of(NotifyPayload.NAT_DETECTION_SOURCE_IP, bytes(0x60, 20)),
        NotifyPayload.of(NotifyPayload.NAT_DETECTION_DESTINATION_IP, bytes(0x70, 20)),
        CertificateRequestPayload.x509(List.of(bytes(0x80, 20))),
        NotifyPayload.of(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED),
        NotifyPayload.of(NotifyPayload.SIGNATURE_HASH_ALGORITHMS, Octets.ofHex("000200030004")));
  }

  /** The payloads of an IKE_AUTH request, one of every kind an IKE_AUTH can carry and more. */
  static List<IkePayload> authPayloads() {
    return List.of(
        IdentificationPayload.fqdn(true, "mn1.example.net"),
        new CertificatePayload(CertificatePayload.X509_SIGNATURE, certificate()),
        CertificateRequestPayload.x509(List.of(bytes(0x80, 20), bytes(0x90, 20))),
        IdentificationPayload.ipv4(false, Ipv4Address.parse("198.51.100.10")),
        new AuthenticationPayload(
            AuthenticationPayload.DIGITAL_SIGNATURE,
            // ASN.1 length 12, AlgorithmIdentifier ecdsa-with-SHA256 (RFC 7427 A.4.1), signature
            Octets.ofHex("0c" + "300a06082a8648ce3d040302" + bytes(0x01, 64))),
        ConfigurationPayload.of(
            ConfigurationPayload.CFG_REQUEST,
            ConfigurationAttribute.request(ConfigurationAttribute.INTERNAL_IP4_ADDRESS),
            ConfigurationAttribute.request(ConfigurationAttribute.INTERNAL_IP4_DNS),
            new ConfigurationAttribute(ConfigurationAttribute.APPLICATION_VERSION, bytes(65, 5))),
        NotifyPayload.of(NotifyPayload.MOBIKE_SUPPORTED),
        NotifyPayload.of(NotifyPayload.INITIAL_CONTACT),
        new SecurityAssociationPayload(
            List.of(
                new Proposal(
                    1,
                    Proposal.ESP,
                    Octets.ofHex("c0ffee01"),
                    List.of(
                        Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 256),
                        Transform.of(Transform.ESN, Transform.ESN_NO))))),
        TrafficSelectorPayload.of(
            true,
            TrafficSelector.ipv4(Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255"))),
        TrafficSelectorPayload.of(
            false,
            TrafficSelector.ipv4(
                17, 500, 500, Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("255.255.255.255")),
            new TrafficSelector(
                TrafficSelector.TS_IPV6_ADDR_RANGE,
                0,
                0,
                0xFFFF,
                Octets.of(new byte[16]),
                Octets.ofHex("ffffffffffffffffffffffffffffffff"))),
        new VendorIdPayload(Octets.ofHex("4048b7d56ebce88525e7de7f00d6c2d3")),
        DeletePayload.esp(0x1001, 0x1002),
        new UnknownPayload(49, false, bytes(7, 3)),
        new EapPayload(Octets.ofHex("0201000501")));
  }

  /** A self-signed P-256 certificate for CN=mn1.example.net (openssl req -x509), DER. */
  static Octets certificate() {
    try (var in = IkeTestMessages.class.getResourceAsStream("/ike/mn1-example-net.der")) {
      return Octets.of(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An IKE_AUTH request whose payloads travel in the clear: every body parser in one message. */
  static IkeMessage plainAuthRequest() {
    return new IkeMessage(AUTH_HEADER, authPayloads());
  }

  static byte[] encode(IkeMessage m) {
    return m.toByteArray();
  }

  static ByteBuf wrap(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  /** The first {@code length} bytes with the header's Length field set to {@code length}. */
  static byte[] truncatedConsistently(byte[] message, int length) {
    byte[] cut = Arrays.copyOf(message, length);
    if (length >= IkeHeader.LENGTH) {
      cut[24] = (byte) (length >>> 24);
      cut[25] = (byte) (length >>> 16);
      cut[26] = (byte) (length >>> 8);
      cut[27] = (byte) length;
    }
    return cut;
  }

  /**
   * A stand-in for the IKE SA's cipher: an 8-byte IV of 0xEE, the plaintext XOR 0x5A, a Pad Length
   * of 0 and a 16-byte "ICV" that is a checksum of AAD and ciphertext. Enough to check the framing
   * and the AAD without the crypto package.
   */
  static final class XorCipher implements SkCipher {

    byte[] lastAad;

    @Override
    public int sealedLength(int plaintextLength) {
      return 8 + plaintextLength + 1 + 16;
    }

    @Override
    public byte[] seal(byte[] aad, byte[] plaintext) {
      lastAad = aad.clone();
      byte[] body = new byte[sealedLength(plaintext.length)];
      Arrays.fill(body, 0, 8, (byte) 0xEE);
      for (int i = 0; i < plaintext.length; i++) {
        body[8 + i] = (byte) (plaintext[i] ^ 0x5A);
      }
      body[8 + plaintext.length] = 0x5A;
      byte[] icv = icv(aad, body, body.length - 16);
      System.arraycopy(icv, 0, body, body.length - 16, 16);
      return body;
    }

    @Override
    public byte[] open(byte[] aad, byte[] body) throws java.security.GeneralSecurityException {
      lastAad = aad.clone();
      if (body.length < 25
          || !Arrays.equals(
              icv(aad, body, body.length - 16),
              Arrays.copyOfRange(body, body.length - 16, body.length))) {
        throw new javax.crypto.AEADBadTagException("ICV mismatch");
      }
      int padLength = (body[body.length - 17] ^ 0x5A) & 0xFF;
      int plainLength = body.length - 25 - padLength;
      if (plainLength < 0) {
        throw new javax.crypto.BadPaddingException("pad length " + padLength);
      }
      byte[] plain = new byte[plainLength];
      for (int i = 0; i < plainLength; i++) {
        plain[i] = (byte) (body[8 + i] ^ 0x5A);
      }
      return plain;
    }

    private static byte[] icv(byte[] aad, byte[] body, int length) {
      try {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(aad);
        md.update(body, 0, length);
        return Arrays.copyOf(md.digest(), 16);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
