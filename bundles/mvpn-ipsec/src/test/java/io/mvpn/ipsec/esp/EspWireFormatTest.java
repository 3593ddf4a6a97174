package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.innerDatagram;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known answers: the exact bytes the SA puts on the wire for a fixed key and sequence, so that a
 * change to how the packet is built (buffers, copies, cipher calls) cannot change what is sent.
 */
class EspWireFormatTest {

  static final int[] SIZES = {0, 1, 2, 3, 64, 1400};

  @Test
  void aSmallDatagramInEspAndInEspInUdp() throws Exception {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(false);
    ByteBuf inner = innerDatagram(0);
    String esp = hexWithIdentification0(sa.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64));
    String udp = hexWithIdentification0(sa.encapsulateInUdp(ALLOC, Ipv4Packet.parse(inner), 64));
    // Outer IPv4 (protocol 50), SPI 0x1001, sequence 1, IV 1, 28 + 2 + 2 bytes encrypted, ICV.
    assertThat(esp)
        .isEqualTo(
            "4500005400000000403213fdcb00713dc633640a"
                + "0000100100000001"
                + "0000000000000001"
                + "c944aa85f44e7cb944abd70de880614755d3d4f3c2490331f20a6c50715af8fd"
                + "82bd30ae7ec79b27b4c24fa6675d1632");
    // Outer IPv4 (protocol 17), UDP 4500 to 4500 with checksum 0 (RFC 3948 §2.1), sequence 2.
    assertThat(udp)
        .isEqualTo(
            "4500005c0000000040111416cb00713dc633640a"
                + "1194119400480000"
                + "0000100100000002"
                + "0000000000000002"
                + "0711fd9465921466e16b8d159b726ecb18933b39629e6fb79ed1bbad8b734b13"
                + "2f8556ca9a1e5bd0d53d7ac029e25197");
  }

  @Test
  void everySizeWithAndWithoutEsn() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (boolean esn : new boolean[] {false, true}) {
      EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(esn);
      for (int size : SIZES) {
        Ipv4Packet inner = Ipv4Packet.parse(innerDatagram(size));
        sha.update(withIdentification0(sa.encapsulate(ALLOC, inner, 64)));
        sha.update(withIdentification0(sa.encapsulateInUdp(ALLOC, inner, 17)));
        sha.update(ByteBufUtil.getBytes(sa.seal(ALLOC, inner)));
      }
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    assertThat(digest)
        .isEqualTo("39baa607c631f623d369d28f76c8c9b97fe0059ced7d42b199fd52950764006a");
  }

  /** The outer header is written by hand on the fast path: the same bytes as Ipv4Builder's. */
  @Test
  void theOuterHeaderIsTheOneIpv4BuilderWrites() throws Exception {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(true);
    for (int tos : new int[] {0, 0x10, 0xB8, 0xFF}) {
      for (int ttl : new int[] {1, 64, 255}) {
        for (int size : SIZES) {
          ByteBuf plain = innerDatagram(size);
          plain.setByte(1, tos);
          plain.setShort(10, 0);
          plain.setShort(10, InternetChecksum.compute(plain, 0, Ipv4Packet.MIN_HEADER_LENGTH));
          Ipv4Packet inner = Ipv4Packet.parse(plain);
          ByteBuf esp = sa.encapsulate(ALLOC, inner, ttl);
          ByteBuf udp = sa.encapsulateInUdp(ALLOC, inner, ttl);
          assertThat(header(esp)).isEqualTo(expected(IpProtocol.ESP, ttl, tos, esp));
          assertThat(header(udp)).isEqualTo(expected(IpProtocol.UDP, ttl, 0, udp));
          assertThat(Ipv4Packet.parse(esp).tos()).isEqualTo(tos); // parse checks the checksum
          assertThat(Ipv4Packet.parse(udp).totalLength()).isEqualTo(udp.readableBytes());
        }
      }
    }
  }

  @Test
  void aTtlOutsideAByteIsRefusedAsIpv4BuilderRefusesIt() throws Exception {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(false);
    Ipv4Packet inner = Ipv4Packet.parse(innerDatagram(10));
    for (int ttl : new int[] {-1, 256}) {
      assertThatThrownBy(() -> sa.encapsulate(ALLOC, inner, ttl))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> sa.encapsulateInUdp(ALLOC, inner, ttl))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * The datagram's bytes as if its outer identification were 0 (checksum adjusted): each outer
   * header gets a fresh one from a counter shared by every SA, so known answers leave it out.
   */
  private static byte[] withIdentification0(ByteBuf datagram) {
    byte[] b = ByteBufUtil.getBytes(datagram);
    ByteBuf copy = Unpooled.wrappedBuffer(b);
    copy.setShort(4, 0);
    copy.setShort(10, 0);
    copy.setShort(10, InternetChecksum.compute(copy, 0, Ipv4Packet.MIN_HEADER_LENGTH));
    return b;
  }

  private static String hexWithIdentification0(ByteBuf datagram) {
    return HexFormat.of().formatHex(withIdentification0(datagram));
  }

  private static String header(ByteBuf datagram) {
    return ByteBufUtil.hexDump(datagram, datagram.readerIndex(), Ipv4Packet.MIN_HEADER_LENGTH);
  }

  private static String expected(int protocol, int ttl, int tos, ByteBuf datagram) {
    ByteBuf h = ALLOC.heapBuffer();
    Ipv4Builder.create()
        .source(EspSecurityAssociationTest.MN)
        .destination(EspSecurityAssociationTest.GATEWAY)
        .protocol(protocol)
        .ttl(ttl)
        .tos(tos)
        .identification(datagram.getUnsignedShort(datagram.readerIndex() + 4))
        .writeHeader(h, datagram.readableBytes() - Ipv4Packet.MIN_HEADER_LENGTH);
    return ByteBufUtil.hexDump(h);
  }
}
