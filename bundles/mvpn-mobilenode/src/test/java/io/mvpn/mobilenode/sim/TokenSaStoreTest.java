package io.mvpn.mobilenode.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.testing.Requirements;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.link.PairwiseKeys;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 claim 7 with SoftHSM2 standing for the node's SIM: an ESP SA and the layer-2 master key
 * written into the token are found again by a restarted node (a fresh provider and store), used in
 * place, and cannot be read out.
 */
class TokenSaStoreTest {

  static final Path LIBRARY = SoftHsmToken.LIBRARY;
  static final char[] PIN = SoftHsmToken.PIN.toCharArray();
  static final Ipv4Address NODE = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address GATEWAY = Ipv4Address.parse("198.51.100.10");
  static final int SPI = 0x5117_0001;
  static final byte[] AES_KEY =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  static final byte[] SALT = HexFormat.of().parseHex("cafebabe");
  static final byte[] MASTER_KEY =
      HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff");
  static final String NAI = "mn5@acme.example";
  static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  static SoftHsmToken token;

  /** A token of our own in target/softhsm2: SOFTHSM2_CONF points there (the module's pom). */
  @BeforeAll
  static void initToken() throws Exception {
    token = SoftHsmToken.fresh();
  }

  /** A node that starts: a new provider instance and a new store over the same token. */
  static TokenSaStore startNode() {
    return new TokenSaStore(token.provider(), PIN);
  }

  static byte[] keyAndSalt() {
    byte[] k = Arrays.copyOf(AES_KEY, 36);
    System.arraycopy(SALT, 0, k, 32, 4);
    return k;
  }

  static Ipv4Packet datagram(String text) throws Exception {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    ByteBuf ip =
        UdpDatagram.build(
            ALLOC,
            Ipv4Address.parse("10.1.0.5").toInt(),
            Ipv4Address.parse("10.1.0.100").toInt(),
            5060,
            5060,
            payload,
            64);
    payload.release();
    return Ipv4Packet.parse(ip);
  }

  @Test
  void anSaStoredInTheTokenSealsAfterARestartAndTheSoftwarePeerOpensIt() throws Exception {
    TokenSaStore before = startNode();
    before.store(EspSaKeys.aesGcm(SPI, keyAndSalt(), false), Direction.OUTBOUND, NODE, GATEWAY);
    assertThat(before.sas())
        .contains(new TokenSaStore.StoredSa(SPI, Direction.OUTBOUND, NODE, GATEWAY, false));

    TokenSaStore after = startNode(); // the node restarted: nothing of `before` is used
    EspSecurityAssociation outbound = after.open(SPI, Direction.OUTBOUND, 0).orElseThrow();
    EspSecurityAssociation peer =
        new EspSecurityAssociation(SPI, Direction.INBOUND, NODE, GATEWAY, keyAndSalt(), false, 64);

    for (int i = 1; i <= 3; i++) {
      Ipv4Packet inner = datagram("call " + i);
      ByteBuf esp = outbound.encapsulate(ALLOC, inner, 64);
      ByteBuf opened = peer.decapsulate(ALLOC, Ipv4Packet.parse(esp));
      assertThat(ByteBufUtil.getBytes(opened))
          .as("packet %d as the peer opens it", i)
          .isEqualTo(ByteBufUtil.getBytes(inner.datagram()));
      opened.release();
      esp.release();
      inner.datagram().release();
    }
    assertThat(peer.packets()).isEqualTo(3);
  }

  @Test
  void anOutboundSaReopenedAfterRestartsNeverSendsASequenceNumberAgain() throws Exception {
    int spi = SPI + 3;
    startNode()
        .store(EspSaKeys.aesGcm(spi, keyAndSalt(), false), Direction.OUTBOUND, NODE, GATEWAY);
    EspSecurityAssociation peer =
        new EspSecurityAssociation(spi, Direction.INBOUND, NODE, GATEWAY, keyAndSalt(), false, 64);
    java.util.Set<Long> sent = new java.util.HashSet<>();
    // Three lives of the node, the second one long enough to need a further reservation.
    for (int packets : new int[] {3, TokenSaStore.RESERVATION_BLOCK, 3}) {
      TokenSaStore node = startNode();
      EspSecurityAssociation outbound = node.open(spi, Direction.OUTBOUND, 0).orElseThrow();
      for (int i = 0; i < packets; i++) {
        Ipv4Packet inner = datagram("call " + i);
        ByteBuf esp = outbound.encapsulate(ALLOC, inner, 64);
        node.sent(outbound);
        long seq = Ipv4Packet.parse(esp).payload().getUnsignedInt(4);
        assertThat(sent.add(seq)).as("sequence number %d sent once only", seq).isTrue();
        ByteBuf opened = peer.decapsulate(ALLOC, Ipv4Packet.parse(esp));
        opened.release();
        esp.release();
        inner.datagram().release();
      }
    }
    assertThat(peer.packets()).as("the peer accepts every packet").isEqualTo(sent.size());
    assertThat(startNode().reserved(spi)).isGreaterThan(TokenSaStore.RESERVATION_BLOCK);
  }

  @Test
  void anInboundSaInTheTokenOpensWhatThePeerSealsAndRefusesATamperedPacket() throws Exception {
    startNode()
        .store(EspSaKeys.aesGcm(SPI + 2, keyAndSalt(), false), Direction.INBOUND, GATEWAY, NODE);
    EspSecurityAssociation inbound = startNode().open(SPI + 2, Direction.INBOUND, 64).orElseThrow();
    EspSecurityAssociation peer =
        new EspSecurityAssociation(
            SPI + 2, Direction.OUTBOUND, GATEWAY, NODE, keyAndSalt(), false, 0);

    Ipv4Packet inner = datagram("hello from the gateway");
    ByteBuf esp = peer.encapsulate(ALLOC, inner, 64);
    ByteBuf tampered = Unpooled.copiedBuffer(esp);
    tampered.setByte(
        tampered.writerIndex() - 20, tampered.getByte(tampered.writerIndex() - 20) ^ 1);
    assertThatThrownBy(() -> inbound.decapsulate(ALLOC, Ipv4Packet.parse(tampered)))
        .isInstanceOf(EspException.class)
        .extracting(e -> ((EspException) e).reason())
        .isEqualTo(EspException.Reason.ICV);
    ByteBuf opened = inbound.decapsulate(ALLOC, Ipv4Packet.parse(esp));
    assertThat(ByteBufUtil.getBytes(opened)).isEqualTo(ByteBufUtil.getBytes(inner.datagram()));
    assertThat(inbound.refused(EspException.Reason.ICV)).isEqualTo(1);
    opened.release();
  }

  @Test
  void theKeyObjectIsSensitiveAndCannotBeExtracted() throws Exception {
    TokenSaStore store = startNode();
    store.store(EspSaKeys.aesGcm(SPI + 1, keyAndSalt(), false), Direction.INBOUND, null, NODE);

    Key key = startNode().keyObject(SPI + 1, Direction.INBOUND).orElseThrow();
    assertThat(key.getEncoded()).as("no bytes leave the token").isNull();
    assertThat(key.toString()).contains("token object, sensitive, unextractable");
    EspSecurityAssociation sa = store.open(SPI + 1, Direction.INBOUND, 64).orElseThrow();
    assertThatThrownBy(sa::keyMaterial).isInstanceOf(UnsupportedOperationException.class);

    // The token's own view, through OpenSC's pkcs11-tool.
    Requirements.require(
        Files.isExecutable(Path.of("/usr/bin/pkcs11-tool")), "pkcs11-tool (Debian package opensc)");
    String objects =
        token.run(
            "pkcs11-tool",
            "--module",
            LIBRARY.toString(),
            "--login",
            "--pin",
            new String(PIN),
            "--list-objects",
            "--type",
            "secrkey");
    String label = "esp|INBOUND|" + Integer.toUnsignedString(SPI + 1) + "|";
    int at = objects.indexOf(label);
    assertThat(at).as(objects).isPositive();
    String access = objects.substring(objects.indexOf("Access:", at)).lines().findFirst().get();
    assertThat(access).contains("sensitive").doesNotContain("extractable,").endsWith("sensitive");
  }

  @Test
  void theLayerTwoMasterKeyInTheTokenDerivesTheSameLinkKeyAsTheAccessNetworksCopy() {
    startNode().storeMasterKey(NAI, MASTER_KEY);

    TokenSaStore restarted = startNode();
    Key inToken = restarted.masterKey(NAI).orElseThrow();
    assertThat(inToken.getEncoded()).isNull();
    byte[] anonce = new byte[32];
    byte[] snonce = new byte[32];
    Arrays.fill(anonce, (byte) 1);
    Arrays.fill(snonce, (byte) 2);
    int ap = Ipv4Address.parse("203.0.113.11").toInt();
    byte[] node =
        PairwiseKeys.derive(inToken, restarted.tokenProvider(), ap, NAI, anonce, snonce).linkKey();
    byte[] network =
        PairwiseKeys.derive(
                new SecretKeySpec(MASTER_KEY, "HmacSHA256"), null, ap, NAI, anonce, snonce)
            .linkKey();
    assertThat(node).isEqualTo(network);
    assertThat(restarted.masterKey("someone-else@acme.example")).isEmpty();
  }

  @Test
  void anSaStoredWithItsEndIsKnownAgainByItsKeyAndEndAfterARestartAndRemovedWithBoth() {
    int spi = SPI + 4;
    EspSaKeys keys = EspSaKeys.aesGcm(spi, keyAndSalt(), false);
    startNode().store(keys, Direction.OUTBOUND, NODE, GATEWAY, 1_800_000_000_000L);

    TokenSaStore restarted = startNode();
    assertThat(restarted.endsAt(spi, Direction.OUTBOUND)).hasValue(1_800_000_000_000L);
    assertThat(restarted.holds(keys, Direction.OUTBOUND)).isTrue();
    byte[] otherKey = keyAndSalt();
    otherKey[0] ^= 1;
    assertThat(restarted.holds(EspSaKeys.aesGcm(spi, otherKey, false), Direction.OUTBOUND))
        .as("another key under the same SPI")
        .isFalse();
    assertThat(restarted.holds(keys, Direction.INBOUND)).isFalse();

    assertThat(restarted.remove(spi, Direction.OUTBOUND)).isTrue();
    assertThat(startNode().endsAt(spi, Direction.OUTBOUND)).isEmpty();
    assertThat(startNode().holds(keys, Direction.OUTBOUND)).isFalse();
  }
}
