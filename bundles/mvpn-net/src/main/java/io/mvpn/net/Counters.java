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
        + ", dropped "
        + droppedTotal();
  }
}
