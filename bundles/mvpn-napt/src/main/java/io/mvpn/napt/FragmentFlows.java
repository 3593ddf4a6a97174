package io.mvpn.napt;

import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Fragmented datagrams through the NAPT without reassembling them (RFC 4787 REQ-14, RFC 3022 §4.1):
 * only a datagram's first fragment carries its ports, so its translation is remembered by (tenant,
 * source, destination, protocol, IP identification) and every later fragment of the datagram gets
 * the same address rewrite. A fragment that comes before its first one is copied and held until the
 * first one says where it goes.
 *
 * <p>Bounded: so many datagrams at a time, so many fragments each, so many held bytes in all; a
 * datagram is forgotten {@link #TIMEOUT_NANOS} after its first fragment of any kind arrived (RFC
 * 791's reassembly timer, 30 s as Linux has it), its held fragments dropped. A fragment that
 * overlaps one already passed is dropped (RFC 1858: an overlap may rewrite a header the NAPT
 * checked). Each drop is counted by its reason. The engine's caller's time, never a clock.
 */
final class FragmentFlows {

  static final int MAX_DATAGRAMS = 1024;
  static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;
  static final int MAX_HELD_BYTES = 256 * 1024;
  static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** One datagram's fragments: {@code tenant} is null for those coming in to the public address. */
  record Key(MvpnId tenant, int source, int destination, int protocol, int identification) {
    static Key of(MvpnId tenant, Ipv4Packet ip) {
      return new Key(tenant, ip.source(), ip.destination(), ip.protocol(), ip.identification());
    }
  }

  /** One datagram whose fragments are passing. */
  static final class Datagram {
    final long expires;
    // The mapping its first fragment used, and the address later fragments get; null until then.
    Mapping mapping;
    int address;
    boolean rewritesSource;
    final int[] ranges = new int[2 * MAX_FRAGMENTS_PER_DATAGRAM];
    int fragments;
    int covered;
    int length = -1;
    final List<byte[]> held = new ArrayList<>(2);

    Datagram(long expires) {
      this.expires = expires;
    }

    boolean complete() {
      return length >= 0 && covered == length;
    }
  }

  private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();
  private final Map<FragmentDrop, Long> drops = new EnumMap<>(FragmentDrop.class);
  private int heldBytes;
  private long held;

  /** Forgets datagrams whose time is up; their held fragments are dropped, the loss counted. */
  void expire(long now) {
    for (Iterator<Datagram> i = datagrams.values().iterator(); i.hasNext(); ) {
      Datagram d = i.next();
      if (now - d.expires < 0) {
        return;
      }
      i.remove();
      forget(d);
      if (!d.complete()) {
        count(FragmentDrop.TIMED_OUT);
      }
    }
  }

  /**
   * Notes a fragment's place in its datagram: null if it is dropped (overlapping, over a limit:
   * counted), else the datagram it belongs to, made if new.
   */
  Datagram admit(Key key, Ipv4Packet ip, long now) {
    Datagram d = datagrams.get(key);
    if (d == null) {
      if (datagrams.size() >= MAX_DATAGRAMS) {
        count(FragmentDrop.OVER_LIMIT);
        return null;
      }
      d = new Datagram(now + TIMEOUT_NANOS);
      datagrams.put(key, d);
    }
    int start = ip.fragmentOffset();
    int end = start + ip.payloadLength();
    for (int i = 0; i < d.fragments; i++) {
      if (start < d.ranges[2 * i + 1] && d.ranges[2 * i] < end) {
        count(FragmentDrop.OVERLAPPING);
        return null;
      }
    }
    boolean last = !ip.moreFragments();
    if (d.fragments == MAX_FRAGMENTS_PER_DATAGRAM
        || (d.length >= 0 && (end > d.length || last))
        || (last && end < highestEnd(d))) {
      // Too many pieces, or data past (or a second) last fragment: no datagram looks like this.
      count(
          d.fragments == MAX_FRAGMENTS_PER_DATAGRAM
              ? FragmentDrop.OVER_LIMIT
              : FragmentDrop.OVERLAPPING);
      return null;
    }
    d.ranges[2 * d.fragments] = start;
    d.ranges[2 * d.fragments + 1] = end;
    d.fragments++;
    d.covered += end - start;
    if (last) {
      d.length = end;
    }
    return d;
  }

  private static int highestEnd(Datagram d) {
    int highest = 0;
    for (int i = 0; i < d.fragments; i++) {
      highest = Math.max(highest, d.ranges[2 * i + 1]);
    }
    return highest;
  }

  /**
   * A fragment after the first one: rewritten if its datagram's translation is known (the datagram
   * returned has its mapping), else held as a copy within the limits (the datagram has none yet).
   * Null if it is dropped, counted.
   */
  Datagram later(Key key, Ipv4Packet ip, long now) {
    Datagram d = admit(key, ip, now);
    if (d == null) {
      return null;
    }
    if (d.mapping != null) {
      rewrite(d, ip);
      d.mapping.lastUsed = now;
      done(key, d);
      return d;
    }
    int size = ip.totalLength();
    if (heldBytes + size > MAX_HELD_BYTES) {
      count(FragmentDrop.OVER_LIMIT);
      return null;
    }
    byte[] copy = new byte[size];
    ip.buffer().getBytes(ip.offset(), copy);
    d.held.add(copy);
    heldBytes += size;
    held++;
    return d;
  }

  /**
   * The first fragment has been translated with {@code mapping}: later ones get {@code address} as
   * their source (or destination). Returns the fragments held for it, rewritten likewise, for the
   * caller to send after the first.
   */
  List<byte[]> translated(Key key, Datagram d, Mapping mapping, int address, boolean source) {
    d.mapping = mapping;
    d.address = address;
    d.rewritesSource = source;
    List<byte[]> released = List.copyOf(d.held);
    for (byte[] fragment : released) {
      rewrite(d, parseHeld(fragment));
      heldBytes -= fragment.length;
    }
    d.held.clear();
    done(key, d);
    return released;
  }

  /** The datagram's tenant and mapping are known by now: forgets it once every byte has passed. */
  private void done(Key key, Datagram d) {
    if (d.complete()) {
      datagrams.remove(key);
    }
  }

  /** Gives up on a datagram (its first fragment could not be translated). */
  void abandon(Key key) {
    Datagram d = datagrams.remove(key);
    if (d != null) {
      forget(d);
    }
  }

  private void forget(Datagram d) {
    for (byte[] fragment : d.held) {
      heldBytes -= fragment.length;
    }
    d.held.clear();
  }

  private static void rewrite(Datagram d, Ipv4Packet ip) {
    if (d.rewritesSource) {
      ip.setSource(d.address);
    } else {
      ip.setDestination(d.address);
    }
  }

  void count(FragmentDrop reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  long dropped(FragmentDrop reason) {
    return drops.getOrDefault(Objects.requireNonNull(reason, "reason"), 0L);
  }

  /** Fragments held so far because they came before their first one. */
  long held() {
    return held;
  }

  /** Datagrams whose fragments are passing now. */
  int inProgress() {
    return datagrams.size();
  }

  /** Bytes of fragments held now. */
  int heldBytes() {
    return heldBytes;
  }

  /** A view of a held copy, which parsed once already. */
  private static Ipv4Packet parseHeld(byte[] fragment) {
    try {
      return Ipv4Packet.parse(Unpooled.wrappedBuffer(fragment));
    } catch (MalformedPacketException e) {
      throw new IllegalStateException("a held fragment no longer parses", e);
    }
  }
}
