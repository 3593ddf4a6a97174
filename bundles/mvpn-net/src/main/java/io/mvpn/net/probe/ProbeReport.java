package io.mvpn.net.probe;

import io.mvpn.api.Ipv4Address;
import java.util.Arrays;

/**
 * What a probe saw: requests sent, replies received, loss, and round-trip times in nanoseconds
 * ({@code rttNanos[i]} is -1 where request i got no reply).
 */
public record ProbeReport(
    Ipv4Address target,
    int sent,
    int received,
    long duplicates,
    long minRttNanos,
    long avgRttNanos,
    long maxRttNanos,
    long[] rttNanos) {

  public static ProbeReport of(Ipv4Address target, int sent, long[] rtts, long duplicates) {
    long[] answered = Arrays.stream(rtts, 0, sent).filter(r -> r >= 0).toArray();
    return new ProbeReport(
        target,
        sent,
        answered.length,
        duplicates,
        answered.length == 0 ? -1 : Arrays.stream(answered).min().getAsLong(),
        answered.length == 0 ? -1 : Arrays.stream(answered).sum() / answered.length,
        answered.length == 0 ? -1 : Arrays.stream(answered).max().getAsLong(),
        Arrays.copyOf(rtts, sent));
  }

  public double loss() {
    return sent == 0 ? 0 : 1.0 - (double) received / sent;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeReport r
        && target.equals(r.target)
        && sent == r.sent
        && received == r.received
        && duplicates == r.duplicates
        && Arrays.equals(rttNanos, r.rttNanos);
  }

  @Override
  public int hashCode() {
    return target.hashCode() * 31 + Arrays.hashCode(rttNanos);
  }

  @Override
  public String toString() {
    return String.format(
        "%s: %d sent, %d received, %.1f%% loss, rtt min/avg/max %.3f/%.3f/%.3f ms",
        target,
        sent,
        received,
        loss() * 100,
        minRttNanos / 1e6,
        avgRttNanos / 1e6,
        maxRttNanos / 1e6);
  }
}
