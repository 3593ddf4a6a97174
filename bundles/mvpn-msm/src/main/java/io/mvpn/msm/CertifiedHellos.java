package io.mvpn.msm;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PKI hellos the MSM authorised lately, per member, so one captured at a sink and replayed at
 * another is refused (seed 002 c50-52). A sink takes a hello whose timestamp is within its window
 * of its own clock and remembers it only for itself; here the (timestamp, nonce) pairs of each
 * member are kept for as long as any sink could still take them: {@code spanMillis} behind the
 * newest timestamp of that member (twice a sink's window: sinks' clocks may differ that much before
 * they refuse). Older hellos are refused outright, so nothing forgotten can come back. At most
 * {@code perMember} pairs per member: when full the oldest is forgotten and its timestamp becomes
 * the member's floor, nothing at or before it taken any more. Only authorised hellos are recorded,
 * with the site realm of the sink they were authorised for: a hello is broadcast to every sink on
 * the node's link (TTL 1), so the same one asked for again by a sink of that realm is a {@link
 * Seen#DUPLICATE}, asked for by a sink of another realm a {@link Seen#REPLAYED}.
 */
final class CertifiedHellos {

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

    long floor = Long.MIN_VALUE;
  }

  private final long spanMillis;
  private final int perMember;
  private final Map<String, Member> members = new HashMap<>();

  CertifiedHellos(long spanMillis, int perMember) {
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
    Member m = members.computeIfAbsent(member.toLowerCase(Locale.ROOT), k -> new Member());
    long newest = m.seen.isEmpty() ? Long.MIN_VALUE : m.seen.lastKey().timestamp();
    if (timestamp <= m.floor || (!m.seen.isEmpty() && timestamp < newest - spanMillis)) {
      return Seen.REPLAYED;
    }
    String realm = siteRealm.toLowerCase(Locale.ROOT);
    String before = m.seen.putIfAbsent(new Hello(timestamp, nonce), realm);
    if (before != null) {
      return before.equals(realm) ? Seen.DUPLICATE : Seen.REPLAYED;
    }
    long horizon = m.seen.lastKey().timestamp() - spanMillis;
    while (m.seen.firstKey().timestamp() < horizon) {
      m.seen.pollFirstEntry();
    }
    if (m.seen.size() > perMember) {
      Hello oldest = m.seen.pollFirstEntry().getKey();
      m.floor = Math.max(m.floor, oldest.timestamp());
      if (timestamp <= m.floor) {
        // The new hello was itself the oldest: forget it too, and refuse it as undecidable.
        m.seen.remove(new Hello(timestamp, nonce));
        return Seen.REPLAYED;
      }
    }
    return Seen.FIRST;
  }
}
