package io.mvpn.sam.kink;

import java.util.List;

/**
 * A KINK message (RFC 4430 §4) as read or to be written: its type, transaction ID, whether the
 * sender asks for an ACK, and its payloads in order. The DOI is always IPsec (1); the checksum is
 * made and checked by {@link KinkCodec} with a {@link KinkKey}.
 *
 * @param type CREATE, DELETE, REPLY, GETTGT, ACK or STATUS
 * @param xid the transaction ID that pairs a REPLY (and ACK) with its command, 32 bits unsigned
 * @param ackRequested the A flag: the responder wants an ACK of its REPLY
 * @param payloads the payloads, KINK_ENCRYPT (if any) last
 * @param checksumLength the CksumLen of a message read (0: none); ignored when writing
 */
public record KinkMessage(
    KinkMessageType type,
    long xid,
    boolean ackRequested,
    List<KinkPayload> payloads,
    int checksumLength) {

  /** DOI of IPsec, the only one KINK defines a use for. */
  public static final int DOI_IPSEC = 1;

  public KinkMessage {
    if (type == null) {
      throw new IllegalArgumentException("a message type");
    }
    if (xid < 0 || xid > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("XID is 32 bits unsigned: " + xid);
    }
    payloads = List.copyOf(payloads);
    for (int i = 0; i < payloads.size() - 1; i++) {
      if (payloads.get(i).type() == KinkPayloadType.ENCRYPT) {
        throw new IllegalArgumentException("KINK_ENCRYPT must be the last payload");
      }
    }
    for (KinkPayload p : payloads) {
      if (p instanceof KinkPayload.SamPeer || p instanceof KinkPayload.SamSa) {
        throw new IllegalArgumentException(p.type() + " travels only inside KINK_ENCRYPT");
      }
    }
  }

  /** A message to be written. */
  public static KinkMessage of(
      KinkMessageType type, long xid, boolean ackRequested, List<KinkPayload> payloads) {
    return new KinkMessage(type, xid, ackRequested, payloads, 0);
  }

  /** The first payload of {@code kind}, or null. */
  public <T extends KinkPayload> T first(Class<T> kind, KinkPayloadType type) {
    for (KinkPayload p : payloads) {
      if (p.type() == type && kind.isInstance(p)) {
        return kind.cast(p);
      }
    }
    return null;
  }
}
