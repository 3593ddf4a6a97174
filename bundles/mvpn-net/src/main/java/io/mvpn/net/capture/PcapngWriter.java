package io.mvpn.net.capture;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a pcapng capture (draft-ietf-opsawg-pcapng): one section, one interface of link type
 * LINKTYPE_IPV4 (228, raw IPv4 datagrams) with nanosecond timestamps, and one Enhanced Packet Block
 * per datagram. Blocks are written little-endian, as the byte-order magic tells readers.
 *
 * <p>{@link #write} is synchronized: the data plane feeds a capture from its event loop while the
 * shell may stop it from another thread.
 */
public final class PcapngWriter implements Closeable {

  static final int SECTION_HEADER = 0x0A0D0D0A;
  static final int INTERFACE_DESCRIPTION = 0x00000001;
  static final int ENHANCED_PACKET = 0x00000006;
  static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  static final int LINKTYPE_IPV4 = 228;

  private static final short OPT_END = 0;
  private static final short SHB_USERAPPL = 4;
  private static final short IF_NAME = 2;
  private static final short IF_TSRESOL = 9;
  private static final int EPB_FIXED = 32;

  private final WritableByteChannel out;
  private ByteBuffer buffer = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
  private long packets;

  public PcapngWriter(WritableByteChannel out, String interfaceName) throws IOException {
    this.out = out;
    writeSectionHeader();
    writeInterfaceDescription(interfaceName);
  }

  /** Creates (or truncates) the file and writes the headers. */
  public static PcapngWriter open(Path file, String interfaceName) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    try {
      return new PcapngWriter(channel, interfaceName);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Writes one datagram (the buffer's readable bytes, left unread and unreleased) with a timestamp
   * in nanoseconds since the epoch.
   */
  public synchronized void write(long timestampNanos, ByteBuf packet) throws IOException {
    int length = packet.readableBytes();
    int padded = pad4(length);
    int total = EPB_FIXED + padded;
    ByteBuffer b = buffer(total);
    b.putInt(ENHANCED_PACKET).putInt(total).putInt(0);
    b.putInt((int) (timestampNanos >>> 32)).putInt((int) timestampNanos);
    b.putInt(length).putInt(length);
    int position = b.position();
    packet.getBytes(packet.readerIndex(), b.array(), b.arrayOffset() + position, length);
    b.position(position + padded);
    b.putInt(total);
    flushBuffer();
    packets++;
  }

  public synchronized long packets() {
    return packets;
  }

  /** Nothing is held back: every block is handed to the channel as it is written. */
  public void flush() {}

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private void writeSectionHeader() throws IOException {
    byte[] app = "mvpn".getBytes(StandardCharsets.UTF_8);
    int total = 28 + 4 + pad4(app.length) + 4;
    ByteBuffer b = buffer(total);
    b.putInt(SECTION_HEADER).putInt(total).putInt(BYTE_ORDER_MAGIC);
    b.putShort((short) 1).putShort((short) 0).putLong(-1L);
    putOption(b, SHB_USERAPPL, app);
    b.putShort(OPT_END).putShort((short) 0);
    b.putInt(total);
    flushBuffer();
  }

  private void writeInterfaceDescription(String name) throws IOException {
    byte[] ifName = name.getBytes(StandardCharsets.UTF_8);
    int total = 20 + 4 + pad4(ifName.length) + 4 + 4 + 4;
    ByteBuffer b = buffer(total);
    b.putInt(INTERFACE_DESCRIPTION).putInt(total);
    b.putShort((short) LINKTYPE_IPV4).putShort((short) 0).putInt(0);
    putOption(b, IF_NAME, ifName);
    putOption(b, IF_TSRESOL, new byte[] {9});
    b.putShort(OPT_END).putShort((short) 0);
    b.putInt(total);
    flushBuffer();
  }

  private static void putOption(ByteBuffer b, short code, byte[] value) {
    b.putShort(code).putShort((short) value.length).put(value);
    for (int i = value.length; i < pad4(value.length); i++) {
      b.put((byte) 0);
    }
  }

  private ByteBuffer buffer(int size) {
    if (buffer.capacity() < size) {
      buffer = ByteBuffer.allocate(Integer.highestOneBit(size) << 1).order(ByteOrder.LITTLE_ENDIAN);
    }
    buffer.clear();
    java.util.Arrays.fill(buffer.array(), 0, size, (byte) 0);
    return buffer;
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private static int pad4(int n) {
    return (n + 3) & ~3;
  }
}
