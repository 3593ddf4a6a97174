package io.mvpn.packet.ipv4;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reassembles IPv4 fragments addressed to this host (RFC 791 §3.2, RFC 815), within limits: at most
 * so many datagrams and bytes in progress, each for at most a timeout. Whatever would exceed a
 * limit, arrives too late, or overlaps another fragment with different bounds (an attack or a
 * broken sender, as RFC 5722 argues for IPv6) drops its whole datagram and is counted.
 *
 * <p>When full, a new datagram is refused ({@link WhenFull#REFUSE_NEW}), or room is made for it by
 * dropping the oldest datagrams in progress ({@link WhenFull#EVICT_OLDEST}: whoever fills the slots
 * with pieces that never complete then delays others' datagrams only while he keeps sending,
 * instead of blocking every new one for the timeout). Either way it is counted over limit.
 *
 * <p>Fragments are held as retained slices of their buffers (no copy until the datagram is
 * complete); every one is released when its datagram completes or is dropped. Single-threaded.
 */
public final class Ipv4Reassembler {

  private final int maxDatagrams;
  private final int maxBytes;
  private final long timeoutNanos;
  private final WhenFull whenFull;
  private final Map<Key, Partial> inProgress = new LinkedHashMap<>();
  private int bytesHeld;
  private long reassembled;
  private long timedOut;
  private long overLimit;
  private long overlapping;

  /** What a datagram that would exceed a limit does. */
  public enum WhenFull {
    REFUSE_NEW,
    EVICT_OLDEST
  }

  public Ipv4Reassembler(int maxDatagramsInProgress, int maxBytesInProgress, long timeoutNanos) {
    this(maxDatagramsInProgress, maxBytesInProgress, timeoutNanos, WhenFull.REFUSE_NEW);
  }

  public Ipv4Reassembler(
      int maxDatagramsInProgress, int maxBytesInProgress, long timeoutNanos, WhenFull whenFull) {
    this.maxDatagrams = maxDatagramsInProgress;
    this.maxBytes = maxBytesInProgress;
    this.timeoutNanos = timeoutNanos;
    this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
  }

  private record Key(int source, int destination, int protocol, int identification) {}

  private static final class Partial {
    final long firstArrival;
    final List<Piece> pieces = new ArrayList<>();
    ByteBuf header; // the first fragment's header (with its options), retained
    int totalPayload = -1; // known once the last fragment (MF clear) is in
    int bytes;

    Partial(long firstArrival) {
      this.firstArrival = firstArrival;
    }
  }

  private record Piece(int offset, ByteBuf data) {
    int end() {
      return offset + data.readableBytes();
    }
  }

  /**
   * Takes one fragment (its buffer is retained as needed, not released). Returns the whole
   * datagram, in a new buffer the caller owns, when this fragment completes it; else null.
   */
  public ByteBuf offer(Ipv4Packet fragment, long nowNanos) {
    Objects.requireNonNull(fragment, "fragment");
    expire(nowNanos);
    Key key =
        new Key(
            fragment.source(),
            fragment.destination(),
            fragment.protocol(),
            fragment.identification());
    Partial p = inProgress.get(key);
    if (p == null) {
      if (inProgress.size() >= maxDatagrams && !evictOldestBut(null)) {
        overLimit++;
        return null;
      }
      p = new Partial(nowNanos);
      inProgress.put(key, p);
    }
    int offset = fragment.fragmentOffset();
    int length = fragment.payloadLength();
    int end = offset + length;
    if (fragment.moreFragments() && (length == 0 || length % 8 != 0)) {
      // Only the last fragment may end off an 8-byte boundary, or be empty: an empty one in the
      // middle covers nothing, so the overlap checks cannot see a second piece at its offset.
      drop(key, p);
      overlapping++;
      return null;
    }
    for (Piece piece : p.pieces) {
      if (piece.offset() == offset && piece.end() == end) {
        return null; // an exact duplicate: harmless, ignored
      }
      if (offset < piece.end() && piece.offset() < end) {
        drop(key, p);
        overlapping++;
        return null;
      }
    }
    if (!fragment.moreFragments()) {
      if ((p.totalPayload >= 0 && p.totalPayload != end)
          || p.pieces.stream().anyMatch(piece -> piece.end() > end)) {
        drop(key, p);
        overlapping++;
        return null;
      }
      p.totalPayload = end;
    }
    if (p.totalPayload >= 0 && end > p.totalPayload) {
      drop(key, p);
      overlapping++;
      return null;
    }
    while (bytesHeld + length > maxBytes && evictOldestBut(key)) {
      // made room by dropping older datagrams
    }
    if (bytesHeld + length > maxBytes) {
      drop(key, p);
      overLimit++;
      return null;
    }
    p.pieces.add(new Piece(offset, fragment.payload().retain()));
    p.bytes += length;
    bytesHeld += length;
    if (offset == 0 && p.header == null) {
      p.header = fragment.buffer().retainedSlice(fragment.offset(), fragment.headerLength());
    }
    if (p.totalPayload < 0 || p.header == null || p.bytes != p.totalPayload) {
      return null;
    }
    inProgress.remove(key);
    ByteBuf whole = assemble(fragment, p);
    release(p);
    reassembled++;
    return whole;
  }

  private ByteBuf assemble(Ipv4Packet any, Partial p) {
    int headerLength = p.header.readableBytes();
    ByteBuf out = any.buffer().alloc().buffer(headerLength + p.totalPayload);
    out.writeBytes(p.header, p.header.readerIndex(), headerLength);
    out.writerIndex(headerLength + p.totalPayload);
    for (Piece piece : p.pieces) {
      out.setBytes(
          headerLength + piece.offset(),
          piece.data(),
          piece.data().readerIndex(),
          piece.data().readableBytes());
    }
    out.setShort(2, headerLength + p.totalPayload);
    out.setShort(6, out.getUnsignedShort(6) & 0x4000); // keep DF; clear MF and the offset
    out.setShort(10, 0);
    out.setShort(10, InternetChecksum.compute(out, 0, headerLength));
    return out;
  }

  /** Drops the datagrams whose first fragment came {@code timeout} or more ago. */
  public void expire(long nowNanos) {
    Iterator<Map.Entry<Key, Partial>> it = inProgress.entrySet().iterator();
    while (it.hasNext()) {
      Partial p = it.next().getValue();
      if (nowNanos - p.firstArrival < timeoutNanos) {
        break; // insertion order is arrival order: the rest are younger
      }
      it.remove();
      release(p);
      timedOut++;
    }
  }

  /** Drops the oldest datagram in progress other than {@code keep}, if evicting; counted. */
  private boolean evictOldestBut(Key keep) {
    if (whenFull != WhenFull.EVICT_OLDEST) {
      return false;
    }
    for (Map.Entry<Key, Partial> e : inProgress.entrySet()) {
      if (!e.getKey().equals(keep)) {
        drop(e.getKey(), e.getValue());
        overLimit++;
        return true;
      }
    }
    return false;
  }

  private void drop(Key key, Partial p) {
    inProgress.remove(key);
    release(p);
  }

  private void release(Partial p) {
    for (Piece piece : p.pieces) {
      piece.data().release();
    }
    p.pieces.clear();
    bytesHeld -= p.bytes;
    p.bytes = 0;
    if (p.header != null) {
      p.header.release();
      p.header = null;
    }
  }

  public int inProgress() {
    return inProgress.size();
  }

  public int bytesHeld() {
    return bytesHeld;
  }

  public long reassembled() {
    return reassembled;
  }

  /** Datagrams given up, for any reason. */
  public long dropped() {
    return timedOut + overLimit + overlapping;
  }

  public long timedOut() {
    return timedOut;
  }

  public long overLimit() {
    return overLimit;
  }

  public long overlapping() {
    return overlapping;
  }
}
