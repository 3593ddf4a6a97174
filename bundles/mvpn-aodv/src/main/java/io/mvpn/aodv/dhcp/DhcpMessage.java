package io.mvpn.aodv.dhcp;

import io.mvpn.aodv.dhcp.DhcpFormatException.Reason;
import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One DHCP message (RFC 2131 §2, Table 1): the BOOTP fixed part, the magic cookie and the options.
 * Options are kept in their order of first appearance; an option that appears more than once is one
 * value, its parts concatenated (RFC 3396, RFC 2131 §4.1), and an option overload (52) is followed
 * into the file and sname fields, in that order. Immutable; build with {@link Builder}.
 */
public final class DhcpMessage {

  public static final int BOOTREQUEST = 1;
  public static final int BOOTREPLY = 2;
  public static final int SERVER_PORT = 67;
  public static final int CLIENT_PORT = 68;
  public static final int BROADCAST_FLAG = 0x8000;
  public static final int MAGIC_COOKIE = 0x63825363;
  public static final int HTYPE_ETHERNET = 1;

  /** The fixed part and the cookie: where the options begin. */
  public static final int OPTIONS_OFFSET = 240;

  /** BOOTP's minimum message (RFC 1542 §2.1): older clients drop shorter replies. */
  static final int MIN_LENGTH = 300;

  private static final int SNAME_OFFSET = 44;
  private static final int FILE_OFFSET = 108;
  private static final int SNAME_LENGTH = 64;
  private static final int FILE_LENGTH = 128;

  private final int op;
  private final int htype;
  private final int hops;
  private final int xid;
  private final int secs;
  private final int flags;
  private final int ciaddr;
  private final int yiaddr;
  private final int siaddr;
  private final int giaddr;
  private final byte[] chaddr;
  private final byte[] sname;
  private final byte[] file;
  private final Map<Integer, byte[]> options;

  private DhcpMessage(Builder b) {
    op = b.op;
    htype = b.htype;
    hops = b.hops;
    xid = b.xid;
    secs = b.secs;
    flags = b.flags;
    ciaddr = b.ciaddr;
    yiaddr = b.yiaddr;
    siaddr = b.siaddr;
    giaddr = b.giaddr;
    chaddr = b.chaddr.clone();
    sname = Arrays.copyOf(b.sname, SNAME_LENGTH);
    file = Arrays.copyOf(b.file, FILE_LENGTH);
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    b.options.forEach((k, v) -> o.put(k, v.clone()));
    options = Collections.unmodifiableMap(o);
  }

  /** Reads a message from the readable bytes of {@code in}, leaving its reader index alone. */
  public static DhcpMessage parse(ByteBuf in) throws DhcpFormatException {
    byte[] d = new byte[in.readableBytes()];
    in.getBytes(in.readerIndex(), d);
    return parse(d);
  }

  public static DhcpMessage parse(byte[] d) throws DhcpFormatException {
    if (d.length < OPTIONS_OFFSET) {
      throw new DhcpFormatException(Reason.TRUNCATED, d.length + " bytes");
    }
    int op = d[0] & 0xFF;
    int hlen = d[2] & 0xFF;
    if ((op != BOOTREQUEST && op != BOOTREPLY) || hlen > 16) {
      throw new DhcpFormatException(Reason.BAD_HEADER, "op " + op + ", hlen " + hlen);
    }
    if (int32(d, 236) != MAGIC_COOKIE) {
      throw new DhcpFormatException(Reason.BAD_COOKIE, Integer.toHexString(int32(d, 236)));
    }
    Builder b = new Builder(op);
    b.htype = d[1] & 0xFF;
    b.hops = d[3] & 0xFF;
    b.xid = int32(d, 4);
    b.secs = (d[8] & 0xFF) << 8 | (d[9] & 0xFF);
    b.flags = (d[10] & 0xFF) << 8 | (d[11] & 0xFF);
    b.ciaddr = int32(d, 12);
    b.yiaddr = int32(d, 16);
    b.siaddr = int32(d, 20);
    b.giaddr = int32(d, 24);
    b.chaddr = Arrays.copyOfRange(d, 28, 28 + hlen);
    b.sname = Arrays.copyOfRange(d, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH);
    b.file = Arrays.copyOfRange(d, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH);
    Map<Integer, java.io.ByteArrayOutputStream> parts = new LinkedHashMap<>();
    readOptions(d, OPTIONS_OFFSET, d.length, parts);
    java.io.ByteArrayOutputStream overload = parts.get(DhcpOption.OVERLOAD);
    if (overload != null) {
      DhcpOption.check(DhcpOption.OVERLOAD, overload.toByteArray());
      int which = overload.toByteArray()[0];
      if ((which & 1) != 0) {
        readOptions(d, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, parts);
      }
      if ((which & 2) != 0) {
        readOptions(d, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, parts);
      }
      // The fields held options, not names: kept as options only, so writing the message back
      // (everything in the options field) and reading it again gives the same message.
      parts.remove(DhcpOption.OVERLOAD);
      b.file = (which & 1) != 0 ? new byte[FILE_LENGTH] : b.file;
      b.sname = (which & 2) != 0 ? new byte[SNAME_LENGTH] : b.sname;
    }
    for (Map.Entry<Integer, java.io.ByteArrayOutputStream> e : parts.entrySet()) {
      byte[] v = e.getValue().toByteArray();
      DhcpOption.check(e.getKey(), v);
      b.options.put(e.getKey(), v);
    }
    return b.build();
  }

  /** Options from {@code from} up to End or {@code to}; parts of one code are concatenated. */
  private static void readOptions(
      byte[] d, int from, int to, Map<Integer, java.io.ByteArrayOutputStream> parts)
      throws DhcpFormatException {
    int i = from;
    while (i < to) {
      int code = d[i] & 0xFF;
      if (code == DhcpOption.END) {
        return;
      }
      if (code == DhcpOption.PAD) {
        i++;
        continue;
      }
      if (i + 1 >= to || i + 2 + (d[i + 1] & 0xFF) > to) {
        throw new DhcpFormatException(Reason.TRUNCATED_OPTION, "option " + code + " at " + i);
      }
      int len = d[i + 1] & 0xFF;
      parts.computeIfAbsent(code, c -> new java.io.ByteArrayOutputStream()).write(d, i + 2, len);
      i += 2 + len;
    }
  }

  /** The message's bytes: options in order, long ones split (RFC 3396), End, padded to 300. */
  public byte[] toBytes() {
    int optionBytes = 1;
    for (byte[] v : options.values()) {
      optionBytes += v.length + 2 * Math.max(1, (v.length + 254) / 255);
    }
    byte[] d = new byte[Math.max(MIN_LENGTH, OPTIONS_OFFSET + optionBytes)];
    d[0] = (byte) op;
    d[1] = (byte) htype;
    d[2] = (byte) chaddr.length;
    d[3] = (byte) hops;
    put32(d, 4, xid);
    d[8] = (byte) (secs >>> 8);
    d[9] = (byte) secs;
    d[10] = (byte) (flags >>> 8);
    d[11] = (byte) flags;
    put32(d, 12, ciaddr);
    put32(d, 16, yiaddr);
    put32(d, 20, siaddr);
    put32(d, 24, giaddr);
    System.arraycopy(chaddr, 0, d, 28, chaddr.length);
    System.arraycopy(sname, 0, d, SNAME_OFFSET, SNAME_LENGTH);
    System.arraycopy(file, 0, d, FILE_OFFSET, FILE_LENGTH);
    put32(d, 236, MAGIC_COOKIE);
    int i = OPTIONS_OFFSET;
    for (Map.Entry<Integer, byte[]> e : options.entrySet()) {
      byte[] v = e.getValue();
      int at = 0;
      do {
        int n = Math.min(255, v.length - at);
        d[i++] = (byte) (int) e.getKey();
        d[i++] = (byte) n;
        System.arraycopy(v, at, d, i, n);
        i += n;
        at += n;
      } while (at < v.length);
    }
    d[i] = (byte) DhcpOption.END;
    return d;
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    byte[] d = toBytes();
    return alloc.buffer(d.length).writeBytes(d);
  }

  public int op() {
    return op;
  }

  public int htype() {
    return htype;
  }

  public int hops() {
    return hops;
  }

  public int xid() {
    return xid;
  }

  public int secs() {
    return secs;
  }

  public int flags() {
    return flags;
  }

  public boolean broadcast() {
    return (flags & BROADCAST_FLAG) != 0;
  }

  public Ipv4Address ciaddr() {
    return Ipv4Address.of(ciaddr);
  }

  public Ipv4Address yiaddr() {
    return Ipv4Address.of(yiaddr);
  }

  public Ipv4Address siaddr() {
    return Ipv4Address.of(siaddr);
  }

  public Ipv4Address giaddr() {
    return Ipv4Address.of(giaddr);
  }

  /** The client hardware address, {@code hlen} bytes of it. */
  public byte[] chaddr() {
    return chaddr.clone();
  }

  /** The options, each its whole (concatenated) value, in order of first appearance. */
  public Map<Integer, byte[]> options() {
    Map<Integer, byte[]> copy = new LinkedHashMap<>();
    options.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** An option's value, or {@code null} when the message has none. */
  public byte[] option(int code) {
    byte[] v = options.get(code);
    return v == null ? null : v.clone();
  }

  public boolean has(int code) {
    return options.containsKey(code);
  }

  /** Option 53, or 0 for a plain BOOTP message. */
  public int messageType() {
    byte[] v = options.get(DhcpOption.MESSAGE_TYPE);
    return v == null ? 0 : v[0];
  }

  /** Option 50, or {@code null}. */
  public Ipv4Address requestedAddress() {
    return address(DhcpOption.REQUESTED_ADDRESS);
  }

  /** Option 54, or {@code null}. */
  public Ipv4Address serverIdentifier() {
    return address(DhcpOption.SERVER_IDENTIFIER);
  }

  /** Option 51 in seconds, or -1. */
  public long leaseSeconds() {
    byte[] v = options.get(DhcpOption.LEASE_TIME);
    return v == null ? -1 : Integer.toUnsignedLong(int32(v, 0));
  }

  private Ipv4Address address(int code) {
    byte[] v = options.get(code);
    return v == null ? null : Ipv4Address.of(int32(v, 0));
  }

  /**
   * Who the client is to a server (RFC 2131 §4.2): its client identifier (option 61) if it sent
   * one, otherwise its hardware type and address; as hex.
   */
  public String clientKey() {
    byte[] id = options.get(DhcpOption.CLIENT_IDENTIFIER);
    HexFormat hex = HexFormat.of();
    return id != null ? "id:" + hex.formatHex(id) : "hw" + htype + ":" + hex.formatHex(chaddr);
  }

  /** A builder holding this message's fields, to answer or change it. */
  public Builder toBuilder() {
    Builder b = new Builder(op);
    b.htype = htype;
    b.hops = hops;
    b.xid = xid;
    b.secs = secs;
    b.flags = flags;
    b.ciaddr = ciaddr;
    b.yiaddr = yiaddr;
    b.siaddr = siaddr;
    b.giaddr = giaddr;
    b.chaddr = chaddr.clone();
    b.sname = sname.clone();
    b.file = file.clone();
    options.forEach((k, v) -> b.options.put(k, v.clone()));
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhcpMessage m && Arrays.equals(toBytes(), m.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return DhcpOption.typeName(messageType())
        + " xid="
        + Integer.toHexString(xid)
        + " chaddr="
        + HexFormat.ofDelimiter(":").formatHex(chaddr)
        + " yiaddr="
        + yiaddr()
        + " options="
        + options.keySet();
  }

  static int int32(byte[] d, int at) {
    return (d[at] & 0xFF) << 24
        | (d[at + 1] & 0xFF) << 16
        | (d[at + 2] & 0xFF) << 8
        | d[at + 3] & 0xFF;
  }

  static void put32(byte[] d, int at, int v) {
    d[at] = (byte) (v >>> 24);
    d[at + 1] = (byte) (v >>> 16);
    d[at + 2] = (byte) (v >>> 8);
    d[at + 3] = (byte) v;
  }

  /** Fields of a message under construction; options keep the order they are put in. */
  public static final class Builder {
    private final int op;
    private int htype = HTYPE_ETHERNET;
    private int hops;
    private int xid;
    private int secs;
    private int flags;
    private int ciaddr;
    private int yiaddr;
    private int siaddr;
    private int giaddr;
    private byte[] chaddr = new byte[6];
    private byte[] sname = new byte[SNAME_LENGTH];
    private byte[] file = new byte[FILE_LENGTH];
    private final Map<Integer, byte[]> options = new LinkedHashMap<>();

    public Builder(int op) {
      if (op != BOOTREQUEST && op != BOOTREPLY) {
        throw new IllegalArgumentException("op " + op);
      }
      this.op = op;
    }

    public Builder xid(int v) {
      xid = v;
      return this;
    }

    public Builder secs(int v) {
      secs = v & 0xFFFF;
      return this;
    }

    public Builder flags(int v) {
      flags = v & 0xFFFF;
      return this;
    }

    public Builder hops(int v) {
      hops = v & 0xFF;
      return this;
    }

    public Builder ciaddr(Ipv4Address a) {
      ciaddr = a.toInt();
      return this;
    }

    public Builder yiaddr(Ipv4Address a) {
      yiaddr = a.toInt();
      return this;
    }

    public Builder siaddr(Ipv4Address a) {
      siaddr = a.toInt();
      return this;
    }

    public Builder giaddr(Ipv4Address a) {
      giaddr = a.toInt();
      return this;
    }

    /** The hardware type and address (at most 16 bytes). */
    public Builder chaddr(int type, byte[] address) {
      if (address.length > 16) {
        throw new IllegalArgumentException("hardware address of " + address.length + " bytes");
      }
      htype = type & 0xFF;
      chaddr = address.clone();
      return this;
    }

    /** Puts (or replaces) an option; known ones must satisfy their definitions. */
    public Builder option(int code, byte[] value) {
      if (code <= DhcpOption.PAD || code >= DhcpOption.END) {
        throw new IllegalArgumentException("option code " + code);
      }
      try {
        DhcpOption.check(code, value);
      } catch (DhcpFormatException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      options.put(code, value.clone());
      return this;
    }

    public Builder messageType(int type) {
      return option(DhcpOption.MESSAGE_TYPE, new byte[] {(byte) type});
    }

    public Builder address(int code, Ipv4Address a) {
      byte[] v = new byte[4];
      put32(v, 0, a.toInt());
      return option(code, v);
    }

    public Builder seconds(int code, long seconds) {
      byte[] v = new byte[4];
      put32(v, 0, (int) seconds);
      return option(code, v);
    }

    public Builder remove(int code) {
      options.remove(code);
      return this;
    }

    public DhcpMessage build() {
      Objects.requireNonNull(chaddr);
      return new DhcpMessage(this);
    }
  }
}
