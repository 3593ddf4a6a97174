package io.mvpn.sam.kink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One KINK payload (RFC 4430 §4.2): its value as the payload carries it, without the four-octet
 * payload header. Kerberos messages (AP-REQ, AP-REP, KRB-ERROR, tickets) are kept as their DER.
 */
public sealed interface KinkPayload {

  /** The payload's type, which the previous payload's (or the header's) Next Payload names. */
  KinkPayloadType type();

  /** KINK_AP_REQ: the initiator's epoch and a Kerberos AP-REQ for the responder's service. */
  static Ap apReq(long epoch, byte[] apReq) {
    return new Ap(KinkPayloadType.AP_REQ, epoch, apReq);
  }

  /** KINK_AP_REP: the responder's epoch and the Kerberos AP-REP that proves it holds the key. */
  static Ap apRep(long epoch, byte[] apRep) {
    return new Ap(KinkPayloadType.AP_REP, epoch, apRep);
  }

  /** KINK_KRB_ERROR: a Kerberos KRB-ERROR (a skewed clock, a ticket not yet valid...). */
  static Octets krbError(byte[] krbError) {
    return new Octets(KinkPayloadType.KRB_ERROR, krbError);
  }

  /** KINK_TGT_REQ (user-to-user): the responder principal's name, e.g. kink/ha1@REALM. */
  static Octets tgtReq(String principalName) {
    return new Octets(KinkPayloadType.TGT_REQ, principalName.getBytes(StandardCharsets.UTF_8));
  }

  /** KINK_TGT_REP (user-to-user): the responder's TGT, a DER Kerberos Ticket. */
  static Octets tgtRep(byte[] ticket) {
    return new Octets(KinkPayloadType.TGT_REP, ticket);
  }

  /**
   * KINK_AP_REQ or KINK_AP_REP: an epoch (the sender's boot time, seconds; a new one tells the peer
   * its state was lost) and the Kerberos message's DER.
   */
  record Ap(KinkPayloadType type, long epoch, byte[] message) implements KinkPayload {
    public Ap {
      if (type != KinkPayloadType.AP_REQ && type != KinkPayloadType.AP_REP) {
        throw new IllegalArgumentException("an AP payload is AP_REQ or AP_REP, not " + type);
      }
      if (epoch < 0 || epoch > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("epoch is 32 bits unsigned: " + epoch);
      }
      message = message.clone();
    }

    @Override
    public byte[] message() {
      return message.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ap a
          && a.type == type
          && a.epoch == epoch
          && Arrays.equals(a.message, message);
    }

    @Override
    public int hashCode() {
      return (type.hashCode() * 31 + Long.hashCode(epoch)) * 31 + Arrays.hashCode(message);
    }

    @Override
    public String toString() {
      return type + "(epoch " + epoch + ", " + message.length + " octets)";
    }
  }

  /**
   * A payload whose value is one octet string: KINK_KRB_ERROR, KINK_TGT_REQ, KINK_TGT_REP, and
   * KINK_ENCRYPT (the ciphertext; {@link KinkKey#seal} makes one, {@link KinkKey#open} reads it).
   */
  record Octets(KinkPayloadType type, byte[] value) implements KinkPayload {
    public Octets {
      switch (type) {
        case KRB_ERROR, TGT_REQ, TGT_REP, ENCRYPT -> {}
        default -> throw new IllegalArgumentException(type + " is not a plain octet payload");
      }
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Octets b && b.type == type && Arrays.equals(b.value, value);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return type + "(" + value.length + " octets)";
    }
  }

  /**
   * KINK_ISAKMP: IKEv1 Quick Mode payloads (SA, Nonce, IDs, ...) as one chain; {@code
   * innerNextPayload} is the ISAKMP type of the first of them.
   */
  record Isakmp(int innerNextPayload, byte[] quickMode) implements KinkPayload {
    /** Quick Mode version 1.0: major 1 in the high nibble, minor 0. */
    public static final int QM_VERSION = 0x10;

    public Isakmp {
      if (innerNextPayload < 0 || innerNextPayload > 255) {
        throw new IllegalArgumentException("inner next payload is one octet: " + innerNextPayload);
      }
      quickMode = quickMode.clone();
    }

    @Override
    public KinkPayloadType type() {
      return KinkPayloadType.ISAKMP;
    }

    @Override
    public byte[] quickMode() {
      return quickMode.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Isakmp i
          && i.innerNextPayload == innerNextPayload
          && Arrays.equals(i.quickMode, quickMode);
    }

    @Override
    public int hashCode() {
      return innerNextPayload * 31 + Arrays.hashCode(quickMode);
    }
  }

  /** KINK_SAM_PEER (SAM extension): the node an SA is asked for, by name (UTF-8). */
  record SamPeer(String node) implements KinkPayload {
    public SamPeer {
      if (node == null || node.isEmpty() || node.length() > 255) {
        throw new IllegalArgumentException("a peer name of 1-255 characters");
      }
    }

    @Override
    public KinkPayloadType type() {
      return KinkPayloadType.SAM_PEER;
    }
  }

  /**
   * KINK_SAM_SA (SAM extension): one node's half of an SA pair, as the node installs it: the peer,
   * the SA it sends on, the SA it receives on, and the seconds left of the pair's lifetime. Layout
   * in {@link SamSaLayout}.
   */
  record SamSa(
      String peer,
      io.mvpn.api.ipsec.EspSaKeys outbound,
      io.mvpn.api.ipsec.EspSaKeys inbound,
      long lifetimeSeconds)
      implements KinkPayload {
    public SamSa {
      if (peer == null || peer.isEmpty() || peer.length() > 255) {
        throw new IllegalArgumentException("a peer name of 1-255 characters");
      }
      if (outbound.algorithm() != inbound.algorithm()
          || outbound.encryptionKey().length != inbound.encryptionKey().length) {
        throw new IllegalArgumentException("both directions of a pair run one suite");
      }
      if (lifetimeSeconds < 1 || lifetimeSeconds > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("lifetime is 1 to 2^32-1 seconds: " + lifetimeSeconds);
      }
    }

    @Override
    public KinkPayloadType type() {
      return KinkPayloadType.SAM_SA;
    }

    /** Never the keys. */
    @Override
    public String toString() {
      return "SamSa[" + peer + ", out " + outbound + ", in " + inbound + "]";
    }
  }

  /** KINK_ERROR: a KINK-level error code (Kerberos errors travel in KINK_KRB_ERROR). */
  record Error(long code) implements KinkPayload {
    public static final int OK = 0;
    public static final int PROTOERR = 1;
    public static final int INVDOI = 2;
    public static final int INVMAJ = 3;
    public static final int INVMIN = 4;
    public static final int INTERR = 5;
    public static final int BADQMVERS = 6;

    /** First of the private-use codes (8192-16383), where mvpn's SAM extension codes live. */
    public static final int PRIVATE_USE = 8192;

    /** SAM extension: the peer asked for has no principal in the manager's realm. */
    public static final int SAM_UNKNOWN_PEER = PRIVATE_USE;

    /** SAM extension: the manager's KDC did not answer within its bounded attempts. */
    public static final int SAM_KDC_UNREACHABLE = PRIVATE_USE + 1;

    /** SAM extension: the SA was withdrawn by the manager. */
    public static final int SAM_REVOKED = PRIVATE_USE + 2;

    public Error {
      if (code < 0 || code > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("error code is 32 bits unsigned: " + code);
      }
    }

    @Override
    public KinkPayloadType type() {
      return KinkPayloadType.ERROR;
    }
  }
}
