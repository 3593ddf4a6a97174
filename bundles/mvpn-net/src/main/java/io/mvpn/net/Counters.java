package io.mvpn.net;

import io.mvpn.packet.MalformedPacketException;

/**
 * Datagram counters of one VRF or interface. Written only by its scheduler's thread (so plain
 * increments are exact); read from any thread (the shell), where a reading may be a moment old.
 */
public final class Counters {

  private long received;
  private long sent;
  private long forwarded;
  private long delivered;
  private long fragmented;
  private long fragmentsCreated;
  private final long[] drops = new long[DropReason.values().length];
  private final long[] malformed = new long[MalformedPacketException.Reason.values().length];

  public void onReceived() {
    received++;
  }

  public void onSent() {
    sent++;
  }

  public void onForwarded() {
    forwarded++;
  }

  public void onDelivered() {
    delivered++;
  }

  /** A datagram too big for its link was cut into {@code fragments} (RFC 791 §3.2). */
  public void onFragmented(int fragments) {
    fragmented++;
    fragmentsCreated += fragments;
  }

  public void onDrop(DropReason reason) {
    drops[reason.ordinal()]++;
  }

  public void onMalformed(MalformedPacketException.Reason reason) {
    malformed[reason.ordinal()]++;
    drops[DropReason.MALFORMED.ordinal()]++;
  }

  public long received() {
    return received;
  }

  public long sent() {
    return sent;
  }

  public long forwarded() {
    return forwarded;
  }

  public long delivered() {
    return delivered;
  }

  /** Datagrams cut into fragments to fit a link. */
  public long fragmented() {
    return fragmented;
  }

  /** Fragments made by cutting datagrams. */
  public long fragmentsCreated() {
    return fragmentsCreated;
  }

  public long dropped(DropReason reason) {
    return drops[reason.ordinal()];
  }

  public long malformed(MalformedPacketException.Reason reason) {
    return malformed[reason.ordinal()];
  }

  public long droppedTotal() {
    long total = 0;
    for (long d : drops) {
      total += d;
    }
    return total;
  }

  @Override
  public String toString() {
    return "received "
        + received
        + ", sent "
        + sent
        + ", forwarded "
        + forwarded
        + ", delivered "
        + delivered
        + ", fragmented "
        + fragmented
        + " into "
        + fragmentsCreated
        + ", dropped "
        + droppedTotal();
  }
}
