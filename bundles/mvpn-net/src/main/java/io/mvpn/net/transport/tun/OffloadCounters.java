package io.mvpn.net.transport.tun;

import io.mvpn.net.transport.tun.BadVnetHeaderException.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What segmentation offload did on one TUN transport: super-packets read and the segments cut from
 * them, checksums completed, writes that joined segments and how many they joined, and packets
 * dropped for a virtio_net_hdr that could not be honoured, by reason. Readers of every queue and
 * the VRF's thread add to them.
 */
public final class OffloadCounters {

  private final LongAdder superPacketsRead = new LongAdder();
  private final LongAdder segmentsSplit = new LongAdder();
  private final LongAdder checksumsCompleted = new LongAdder();
  private final LongAdder checksumsTrusted = new LongAdder();
  private final LongAdder coalescedWrites = new LongAdder();
  private final LongAdder segmentsCoalesced = new LongAdder();
  private final Map<Reason, LongAdder> badHeaders = new EnumMap<>(Reason.class);

  OffloadCounters() {
    for (Reason r : Reason.values()) {
      badHeaders.put(r, new LongAdder());
    }
  }

  void onSuperPacket(int segments) {
    superPacketsRead.increment();
    segmentsSplit.add(segments);
  }

  void onChecksumCompleted() {
    checksumsCompleted.increment();
  }

  void onChecksumTrusted(int datagrams) {
    checksumsTrusted.add(datagrams);
  }

  void onCoalescedWrite(int segments) {
    coalescedWrites.increment();
    segmentsCoalesced.add(segments);
  }

  void onBadHeader(Reason reason) {
    badHeaders.get(reason).increment();
  }

  /** GSO super-packets the kernel handed over in one read each. */
  public long superPacketsRead() {
    return superPacketsRead.sum();
  }

  /** Segments cut from those super-packets. */
  public long segmentsSplit() {
    return segmentsSplit.sum();
  }

  /** Packets read whose transport checksum the kernel left to complete (NEEDS_CSUM). */
  public long checksumsCompleted() {
    return checksumsCompleted.sum();
  }

  /**
   * UDP datagrams for this host whose partial checksum the kernel vouched for (NEEDS_CSUM): handed
   * on with checksum zero, "none", rather than summed.
   */
  public long checksumsTrusted() {
    return checksumsTrusted.sum();
  }

  /** Writes that carried several TCP segments as one super-packet. */
  public long coalescedWrites() {
    return coalescedWrites.sum();
  }

  /** Segments those writes carried. */
  public long segmentsCoalesced() {
    return segmentsCoalesced.sum();
  }

  /** Packets dropped for a virtio_net_hdr this reason rules out. */
  public long badHeaders(Reason reason) {
    return badHeaders.get(reason).sum();
  }

  /** All packets dropped for a bad virtio_net_hdr. */
  public long badHeaders() {
    long sum = 0;
    for (LongAdder a : badHeaders.values()) {
      sum += a.sum();
    }
    return sum;
  }

  @Override
  public String toString() {
    return "superPacketsRead="
        + superPacketsRead()
        + " segmentsSplit="
        + segmentsSplit()
        + " checksumsCompleted="
        + checksumsCompleted()
        + " checksumsTrusted="
        + checksumsTrusted()
        + " coalescedWrites="
        + coalescedWrites()
        + " segmentsCoalesced="
        + segmentsCoalesced()
        + " badVnetHeaders="
        + badHeaders();
  }
}
