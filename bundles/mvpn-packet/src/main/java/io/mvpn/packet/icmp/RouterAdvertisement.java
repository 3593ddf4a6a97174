package io.mvpn.packet.icmp;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_ICMP_MESSAGE;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An ICMP router advertisement (RFC 1256 §3): router addresses with preferences, then whatever
 * follows them; Mobile IP agent advertisements carry their extensions there (RFC 5944 §2.1).
 */
public record RouterAdvertisement(
    int lifetimeSeconds, int addressEntrySize, List<Entry> entries, ByteBuf extensions) {

  /** One advertised router address and its preference (a signed 32-bit value). */
  public record Entry(Ipv4Address address, int preference) {}

  /** Reads the advertisement out of a parsed ICMP message of type 9. */
  public static RouterAdvertisement parse(IcmpMessage icmp) throws MalformedPacketException {
    if (icmp.type() != IcmpType.ROUTER_ADVERTISEMENT) {
      throw new IllegalArgumentException("not a router advertisement: type " + icmp.type());
    }
    int rest = icmp.restOfHeader();
    int count = rest >>> 24;
    int entrySize = (rest >>> 16) & 0xFF;
    int lifetime = rest & 0xFFFF;
    if (entrySize < 2) {
      throw new MalformedPacketException(
          BAD_ICMP_MESSAGE, "address entry size " + entrySize + " below 2 words");
    }
    ByteBuf body = icmp.body();
    int needed = count * entrySize * 4;
    if (needed > body.readableBytes()) {
      throw new MalformedPacketException(
          BAD_ICMP_MESSAGE,
          count
              + " entries of "
              + entrySize
              + " words need "
              + needed
              + " bytes, got "
              + body.readableBytes());
    }
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int at = body.readerIndex() + i * entrySize * 4;
      entries.add(new Entry(Ipv4Address.of(body.getInt(at)), body.getInt(at + 4)));
    }
    return new RouterAdvertisement(
        lifetime,
        entrySize,
        List.copyOf(entries),
        body.slice(body.readerIndex() + needed, body.readableBytes() - needed));
  }
}
