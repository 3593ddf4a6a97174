package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EspSecurityAssociationTest {

  static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final byte[] KEY =
      HexFormat.of().parseHex("feffe9928665731c6d6a8f9467308308" + "cafebabe");
  static final Ipv4Address MN = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address GATEWAY = Ipv4Address.parse("198.51.100.10");

  static EspSecurityAssociation outbound(boolean esn) {
    return new EspSecurityAssociation(0x1001, Direction.OUTBOUND, MN, GATEWAY, KEY, esn, 0);
  }

  static EspSecurityAssociation inbound(boolean esn) {
    // No tunnel source: the wildcard inbound SA (any outer source).
    return new EspSecurityAssociation(0x1001, Direction.INBOUND, null, GATEWAY, KEY, esn, 64);
  }

  static ByteBuf innerDatagram(int size) {
    return UdpDatagram.build(
        ALLOC,
        Ipv4Address.parse("10.1.0.5").toInt(),
        Ipv4Address.parse("10.1.0.100").toInt(),
        5000,
        7,
        Unpooled.wrappedBuffer(new byte[size]),
        64);
  }

  /** The JDK's AES-GCM against the GCM specification's test case 4 (McGrew and Viega). */
  @Test
  void jdkAesGcmMatchesTheGcmSpecificationVector() throws Exception {
    HexFormat hex = HexFormat.of();
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(hex.parseHex("feffe9928665731c6d6a8f9467308308"), "AES"),
        new GCMParameterSpec(128, hex.parseHex("cafebabefacedbaddecaf888")));
    c.updateAAD(hex.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
    byte[] out =
        c.doFinal(
            hex.parseHex(
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"));
    assertThat(hex.formatHex(out))
        .isEqualTo(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                + "5bc94fbc3221a5db94fae95ae7121a47");
  }

  @Test
  void roundTripGivesBackTheInnerDatagram() throws Exception {
    EspSecurityAssociation out = outbound(false);
    EspSecurityAssociation in = inbound(false);
    for (int size : new int[] {0, 1, 2, 3, 64, 1400}) {
      ByteBuf inner = innerDatagram(size);
      ByteBuf packet = out.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64);
      Ipv4Packet outer = Ipv4Packet.parse(packet);
      assertThat(outer.protocol()).isEqualTo(50);
      assertThat(outer.sourceAddress()).isEqualTo(MN);
      // The ESP payload ends on a 4-byte boundary before the ICV (RFC 4303 §2.4).
      assertThat((outer.payloadLength() - 8 - 8 - 16) % 4).isZero();
      ByteBuf back = in.decapsulate(ALLOC, outer);
      assertThat(ByteBufUtil.getBytes(back)).isEqualTo(ByteBufUtil.getBytes(inner));
    }
    assertThat(in.sequence()).isEqualTo(6);
  }

  /**
   * Packets in heap, direct, composite and pooled buffers: pooled heap buffers share one array, in
   * which the ciphertext may lie before or after the result, and the SA must not depend on either.
   */
  @Test
  void sealsAndOpensWhateverBuffersThePacketsLieIn() throws Exception {
    PooledByteBufAllocator pooled = new PooledByteBufAllocator(false);
    List<UnaryOperator<ByteBuf>> kinds =
        List.of(
            ByteBuf::copy,
            b -> Unpooled.directBuffer().writeBytes(b.duplicate()),
            b -> pooled.heapBuffer().writeBytes(b.duplicate()),
            b ->
                Unpooled.wrappedBuffer(
                    b.copy(b.readerIndex(), 7),
                    b.copy(b.readerIndex() + 7, b.readableBytes() - 7)));
    EspSecurityAssociation out = outbound(true);
    EspSecurityAssociation in = inbound(true);
    int opened = 0;
    for (int size : new int[] {0, 100, 1400, 3}) {
      ByteBuf inner = innerDatagram(size);
      for (UnaryOperator<ByteBuf> innerKind : kinds) {
        for (UnaryOperator<ByteBuf> packetKind : kinds) {
          ByteBuf esp = out.seal(pooled, Ipv4Packet.parse(innerKind.apply(inner)));
          ByteBuf arriving = packetKind.apply(esp);
          esp.release();
          ByteBuf back =
              in.open(pooled, arriving, arriving.readerIndex(), arriving.readableBytes());
          assertThat(ByteBufUtil.getBytes(back)).isEqualTo(ByteBufUtil.getBytes(inner));
          back.release();
          opened++;
        }
      }
    }
    assertThat(in.sequence()).isEqualTo(opened);
  }

  @Test
  void aTamperedPacketFailsItsIcvAndLeavesTheWindowAlone() throws Exception {
    EspSecurityAssociation out = outbound(false);
    EspSecurityAssociation in = inbound(false);
    ByteBuf packet = out.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(100)), 64);
    ByteBuf forged = packet.copy();
    forged.setByte(forged.writerIndex() - 20, forged.getByte(forged.writerIndex() - 20) ^ 1);
    EspException e =
        catchThrowableOfType(
            () -> in.decapsulate(ALLOC, Ipv4Packet.parse(forged)), EspException.class);
    assertThat(e.reason()).isEqualTo(EspException.Reason.ICV);
    assertThat(in.sequence()).isZero();
    // The genuine packet with the same sequence number still gets in.
    assertThat(in.decapsulate(ALLOC, Ipv4Packet.parse(packet))).isNotNull();
    assertThat(in.refused(EspException.Reason.ICV)).isEqualTo(1);
  }

  @Test
  void aReplayedPacketIsRefused() throws Exception {
    EspSecurityAssociation out = outbound(false);
    EspSecurityAssociation in = inbound(false);
    ByteBuf packet = out.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(10)), 64);
    in.decapsulate(ALLOC, Ipv4Packet.parse(packet.copy()));
    EspException e =
        catchThrowableOfType(
            () -> in.decapsulate(ALLOC, Ipv4Packet.parse(packet)), EspException.class);
    assertThat(e.reason()).isEqualTo(EspException.Reason.REPLAY);
    assertThat(in.refused(EspException.Reason.REPLAY)).isEqualTo(1);
  }

  @Test
  void withoutEsnTheSequenceNeverWrapsAndWithEsnItRollsOver() throws Exception {
    EspSecurityAssociation plain = outbound(false);
    setSequence(plain, 0xFFFF_FFFEL);
    plain.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(1)), 64); // 2^32 - 1: the last
    EspException e =
        catchThrowableOfType(
            () -> plain.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(1)), 64),
            EspException.class);
    assertThat(e.reason()).isEqualTo(EspException.Reason.EXPIRED);

    EspSecurityAssociation out = outbound(true);
    EspSecurityAssociation in = inbound(true);
    setSequence(out, 0xFFFF_FFFEL);
    setWindow(in, 0xFFFF_FFFEL);
    for (int i = 0; i < 3; i++) { // 2^32 - 1, 2^32, 2^32 + 1: the ICV covers the high bits
      in.decapsulate(
          ALLOC, Ipv4Packet.parse(out.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(8)), 64)));
    }
    assertThat(in.sequence()).isEqualTo(0x1_0000_0001L);
  }

  private static void setSequence(EspSecurityAssociation sa, long value) {
    sa.resumeAfter(value); // as after a restart: the next one sent is value + 1
  }

  private static void setWindow(EspSecurityAssociation sa, long top) throws Exception {
    var f = EspSecurityAssociation.class.getDeclaredField("window");
    f.setAccessible(true);
    ((ReplayWindow) f.get(sa)).accept(top);
  }
}
