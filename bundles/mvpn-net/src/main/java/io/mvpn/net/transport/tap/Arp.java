package io.mvpn.net.transport.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type 0x0800, lengths 6
 * and 4, the operation, then sender and target hardware and protocol addresses: 28 bytes.
 *
 * @param operation {@link #REQUEST} or {@link #REPLY}
 */
record Arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {

  static final int REQUEST = 1;
  static final int REPLY = 2;
  static final int LENGTH = 28;

  /** Why bytes with EtherType 0x0806 are not an ARP packet this link can use. */
  enum Fault {
    /** Fewer than 28 bytes. */
    SHORT,
    /** Another hardware or protocol type, or other address lengths. */
    NOT_ETHERNET_IPV4,
    /** An operation other than request and reply (RARP, InARP). */
    OPERATION
  }

  /** The packet at the buffer's reader index, or the fault; {@code fault[0]} is set when null. */
  static Arp parse(ByteBuf b, Fault[] fault) {
    int at = b.readerIndex();
    if (b.readableBytes() < LENGTH) {
      fault[0] = Fault.SHORT;
      return null;
    }
    if (b.getUnsignedShort(at) != 1
        || b.getUnsignedShort(at + 2) != Ethernet.ETHERTYPE_IPV4
        || b.getUnsignedByte(at + 4) != 6
        || b.getUnsignedByte(at + 5) != 4) {
      fault[0] = Fault.NOT_ETHERNET_IPV4;
      return null;
    }
    int op = b.getUnsignedShort(at + 6);
    if (op != REQUEST && op != REPLY) {
      fault[0] = Fault.OPERATION;
      return null;
    }
    return new Arp(
        op,
        Ethernet.readMac(b, at + 8),
        b.getInt(at + 14),
        Ethernet.readMac(b, at + 18),
        b.getInt(at + 24));
  }

  /** Gratuitous: the sender announces its own address (request or reply, RFC 5227 §3). */
  boolean gratuitous() {
    return senderIp == targetIp;
  }

  /** The whole frame: Ethernet header to {@code destination}, then this packet, padded. */
  ByteBuf frame(ByteBufAllocator alloc, long destination) {
    ByteBuf f = alloc.buffer(Ethernet.MIN_FRAME);
    Ethernet.writeHeader(f, destination, senderMac, Ethernet.ETHERTYPE_ARP);
    f.writeShort(1).writeShort(Ethernet.ETHERTYPE_IPV4).writeByte(6).writeByte(4);
    f.writeShort(operation);
    Ethernet.writeMac(f, senderMac);
    f.writeInt(senderIp);
    Ethernet.writeMac(f, targetMac);
    f.writeInt(targetIp);
    f.writeZero(Ethernet.MIN_FRAME - f.writerIndex());
    return f;
  }
}
