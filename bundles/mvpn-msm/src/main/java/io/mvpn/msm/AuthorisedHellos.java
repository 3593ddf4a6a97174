package io.mvpn.msm;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hellos the MSM authorised lately, per member identity, so one captured at a sink and replayed
 * at another is refused (seed 002 c40-45, c50-52): PKI hellos under the certificate's DNS name,
 * HMAC-authenticated hellos under the node's NAI (their timestamps come from different clocks, so
 * each identity has its own line). Each sink remembers only the hellos it took itself; here the
 * (timestamp, nonce) pairs of each identity are kept for as long as any sink could still take them:
 * {@code spanMillis} behind the newest timestamp of that identity (twice a PKI sink's window:
 * sinks' clocks may differ that much before they refuse). Older hellos are refused outright, so
 * nothing forgotten can come back. At most {@code perMember} pairs per identity: when full the
 * oldest is forgotten and its timestamp becomes the identity's floor, nothing at or before it taken
 * any more. Only authorised hellos are recorded, with the site realm of the sink they were
 * authorised for: a hello is broadcast to every sink on the node's link (TTL 1), so the same one
 * asked for again by a sink of that realm is a {@link Seen#DUPLICATE}, asked for by a sink of
 * another realm a {@link Seen#REPLAYED}. An HMAC hello has no clock window at the sink, only a
 * timestamp that grows with each hello of the node, so a new one must also be newer than the newest
 * recorded ({@code newerOnly}); that timestamp is an unsigned 64-bit number, as the sinks compare
 * it, so it is ordered unsigned here too. Spans are measured without wrapping around at either end.
 */
final class AuthorisedHellos {

  private record Hello(long timestamp, long nonce) implements Comparable<Hello> {
    @Override
    public int compareTo(Hello o) {
      int c = Long.compare(timestamp, o.timestamp);
      return c != 0 ? c : Long.compare(nonce, o.nonce);
    }
  }

  /** What a hello is to the MSM. */
  enum Seen {
    FIRST,
    /** Authorised before for a sink of the same site realm: every sink on the link heard it. */
    DUPLICATE,
    REPLAYED
  }

  private static final class Member {
    /** Each authorised hello, with the site realm it was authorised for. */
    final TreeMap<Hello, String> seen = new TreeMap<>();

    /** Nothing at or before it is taken; null until a hello was forgotten for the bound. */
    Long floor;
  }

  private final long spanMillis;
  private final int perMember;
  private final Map<String, Member> members = new HashMap<>();

  AuthorisedHellos(long spanMillis, int perMember) {
    if (spanMillis <= 0 || perMember <= 0) {
      throw new IllegalArgumentException(
          "span " + spanMillis + " ms, " + perMember + " per member");
    }
    this.spanMillis = spanMillis;
    this.perMember = perMember;
  }

  /** Whether {@code member}'s hello is new here; if so it is recorded. */
  boolean firstTime(String member, long timestamp, long nonce) {
    return see(member, timestamp, nonce, "") == Seen.FIRST;
  }

  /** What {@code member}'s hello asked for by a sink of {@code siteRealm} is; recorded if new. */
  Seen see(String member, long timestamp, long nonce, String siteRealm) {
    return see(member, timestamp, nonce, siteRealm, false);
  }

  /**
   * As {@link #see(String, long, long, String)}; with {@code newerOnly} a hello not recorded must
   * be newer than the identity's newest, or it is a replay.
   */
  Seen see(String member, long timestamp, long nonce, String siteRealm, boolean newerOnly) {
    // An HMAC hello's line is its own (another clock); its unsigned timestamps are kept with the
    // sign bit flipped, so the signed order below is their unsigned order.
    long ts = newerOnly ? timestamp ^ Long.MIN_VALUE : timestamp;
    String line = (newerOnly ? "hmac " : "pki ") + member.toLowerCase(Locale.ROOT);
    Member m = members.computeIfAbsent(line, k -> new Member());
    long newest = m.seen.isEmpty() ? Long.MIN_VALUE : m.seen.lastKey().timestamp();
    if ((m.floor != null && ts <= m.floor) || (!m.seen.isEmpty() && beyondSpan(newest, ts))) {
      return Seen.REPLAYED;
    }
    String realm = siteRealm.toLowerCase(Locale.ROOT);
    Hello hello = new Hello(ts, nonce);
    String before = m.seen.get(hello);
    if (before != null) {
      return before.equals(realm) ? Seen.DUPLICATE : Seen.REPLAYED;
    }
    if (newerOnly && !m.seen.isEmpty() && ts <= newest) {
      return Seen.REPLAYED;
    }
    m.seen.put(hello, realm);
    long latest = m.seen.lastKey().timestamp();
    while (beyondSpan(latest, m.seen.firstKey().timestamp())) {
      m.seen.pollFirstEntry();
    }
    if (m.seen.size() > perMember) {
      Hello oldest = m.seen.pollFirstEntry().getKey();
      m.floor = m.floor == null ? oldest.timestamp() : Math.max(m.floor, oldest.timestamp());
      if (ts <= m.floor) {
        // The new hello was itself the oldest: forget it too, and refuse it as undecidable.
        m.seen.remove(hello);
        return Seen.REPLAYED;
      }
    }
    return Seen.FIRST;
  }

  /** Whether {@code ts} is more than the span behind {@code newest}, the difference not wrapped. */
  private boolean beyondSpan(long newest, long ts) {
    return ts < newest && Long.compareUnsigned(newest - ts, spanMillis) > 0;
  }
}
