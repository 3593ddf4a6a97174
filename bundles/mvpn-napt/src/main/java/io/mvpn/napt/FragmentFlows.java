package io.mvpn.napt;

import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Fragmented datagrams through the NAPT without reassembling them (RFC 4787 REQ-14, RFC 3022 §4.1):
 * only a datagram's first fragment carries its ports, so its translation is remembered by (tenant,
 * source, destination, protocol, IP identification) and every later fragment of the datagram gets
 * the same address rewrite. A fragment that comes before its first one is copied and held until the
 * first one says where it goes.
 *
 * <p>Bounded: so many datagrams at a time, so many fragments each, so many held bytes in all; and
 * within those each tenant (and the public side, tenant null) to its own share of datagrams and
 * held bytes, so one tenant's flood of first-less fragments cannot crowd out another's datagrams: a
 * tenant over its share evicts its own oldest datagram (counted), never another's. A datagram is
 * forgotten {@link #TIMEOUT_NANOS} after its first fragment of any kind arrived (RFC 791's
 * reassembly timer, 30 s as Linux has it), its held fragments dropped. A fragment that overlaps one
 * already passed is dropped (RFC 1858: an overlap may rewrite a header the NAPT checked). Each drop
 * is counted by its reason. The engine's caller's time, never a clock.
 */
final class FragmentFlows {

  static final int MAX_DATAGRAMS = 1024;
  static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;
  static final int MAX_HELD_BYTES = 256 * 1024;
  static final int MAX_DATAGRAMS_PER_TENANT = 64;
  static final int MAX_HELD_BYTES_PER_TENANT = 16 * 1024;
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
    final Share share;
    // The mapping its first fragment used, and the address later fragments get; null until then.
    Mapping mapping;
    int address;
    boolean rewritesSource;
    final int[] ranges = new int[2 * MAX_FRAGMENTS_PER_DATAGRAM];
    int fragments;
    int covered;
    int length = -1;
    final List<byte[]> held = new ArrayList<>(2);
    int heldBytes;

    Datagram(long expires, Share share) {
      this.expires = expires;
      this.share = share;
    }

    boolean complete() {
      return length >= 0 && covered == length;
    }
  }

  /** What one tenant's datagrams take of the table now. */
  static final class Share {
    int datagrams;
    int heldBytes;
  }

  private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();
  private final Map<MvpnId, Share> shares = new HashMap<>();
  private final Function<FragmentDrop, Counter> drops;
  private int heldBytes;
  private long held;

  /** {@code drops}: where each reason's drops are counted, a counter per reason taken once. */
  FragmentFlows(Function<FragmentDrop, Counter> drops) {
    this.drops = drops;
  }

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
      Share share = shares.get(key.tenant());
      if (share != null && share.datagrams >= MAX_DATAGRAMS_PER_TENANT) {
        evictOldest(key.tenant(), null, false);
      } else if (datagrams.size() >= MAX_DATAGRAMS) {
        count(FragmentDrop.OVER_LIMIT);
        return null;
      }
      share = shares.computeIfAbsent(key.tenant(), t -> new Share());
      d = new Datagram(now + TIMEOUT_NANOS, share);
      share.datagrams++;
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
    Datagram known = datagrams.get(key);
    int size = ip.totalLength();
    // Room to hold it is made before its range is noted: a fragment dropped here leaves no trace.
    if ((known == null || known.mapping == null) && !roomToHold(key.tenant(), known, size)) {
      count(FragmentDrop.OVER_LIMIT);
      return null;
    }
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
    byte[] copy = new byte[size];
    ip.buffer().getBytes(ip.offset(), copy);
    d.held.add(copy);
    d.heldBytes += size;
    d.share.heldBytes += size;
    heldBytes += size;
    held++;
    return d;
  }

  /**
   * Whether {@code size} more bytes may be held for {@code tenant}'s datagram {@code keep}: within
   * the tenant's share after evicting as many of its own older datagrams as it takes, and within
   * the table's bytes. Evicts nothing if the share could not hold them even then.
   */
  private boolean roomToHold(MvpnId tenant, Datagram keep, int size) {
    if (size > MAX_HELD_BYTES_PER_TENANT - (keep == null ? 0 : keep.heldBytes)) {
      return false;
    }
    Share share = shares.get(tenant);
    while (share != null
        && share.heldBytes + size > MAX_HELD_BYTES_PER_TENANT
        && evictOldest(tenant, keep, true)) {
      // Each pass frees at least one of the tenant's datagrams holding fragments.
    }
    return heldBytes + size <= MAX_HELD_BYTES;
  }

  /**
   * Forgets {@code tenant}'s oldest datagram other than {@code keep} (and {@code holding}
   * fragments, if asked), counted as evicted; false if it has none.
   */
  private boolean evictOldest(MvpnId tenant, Datagram keep, boolean holding) {
    for (Iterator<Map.Entry<Key, Datagram>> i = datagrams.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Key, Datagram> e = i.next();
      Datagram d = e.getValue();
      if (Objects.equals(e.getKey().tenant(), tenant)
          && d != keep
          && (!holding || d.heldBytes > 0)) {
        i.remove();
        forget(d);
        count(FragmentDrop.EVICTED);
        return true;
      }
    }
    return false;
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
    }
    releaseHeld(d);
    done(key, d);
    return released;
  }

  /** The datagram's tenant and mapping are known by now: forgets it once every byte has passed. */
  private void done(Key key, Datagram d) {
    if (d.complete()) {
      datagrams.remove(key);
      forget(d);
    }
  }

  /** Gives up on a datagram (its first fragment could not be translated). */
  void abandon(Key key) {
    Datagram d = datagrams.remove(key);
    if (d != null) {
      forget(d);
    }
  }

  /** Lets go of a datagram taken out of the table: its held fragments and its tenant's share. */
  private void forget(Datagram d) {
    releaseHeld(d);
    if (--d.share.datagrams == 0) {
      shares.values().remove(d.share);
    }
  }

  private void releaseHeld(Datagram d) {
    heldBytes -= d.heldBytes;
    d.share.heldBytes -= d.heldBytes;
    d.heldBytes = 0;
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
    drops.apply(reason).increment();
  }

  long dropped(FragmentDrop reason) {
    return drops.apply(Objects.requireNonNull(reason, "reason")).get();
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
