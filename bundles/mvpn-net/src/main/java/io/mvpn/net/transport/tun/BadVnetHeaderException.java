package io.mvpn.net.transport.tun;

/**
 * A packet read from a TUN device whose virtio_net_hdr cannot be honoured: the reader counts it by
 * {@link Reason} and drops it, and keeps reading.
 */
public final class BadVnetHeaderException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What was wrong, one counter each. */
  public enum Reason {
    /** Fewer bytes than a virtio_net_hdr and an IPv4 header. */
    TRUNCATED,
    /** A GSO type this transport does not cut (UFO, TCPv6, an unknown value). */
    UNSUPPORTED_GSO_TYPE,
    /** A super-packet that is not IPv4 carrying the protocol its GSO type names. */
    GSO_PROTOCOL_MISMATCH,
    /** A gso_size of zero, or headers that leave no room for a segment. */
    BAD_GSO_SIZE,
    /** csum_start/csum_offset outside the packet, or not where the transport header puts them. */
    BAD_CHECKSUM_OFFSETS,
    /** IPv4 or transport header lengths that do not fit the packet. */
    BAD_HEADER_LENGTH
  }

  private final Reason reason;

  BadVnetHeaderException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
