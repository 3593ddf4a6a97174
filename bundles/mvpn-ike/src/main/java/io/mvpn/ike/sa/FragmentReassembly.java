package io.mvpn.ike.sa;

import io.mvpn.api.time.Scheduler;
import java.io.ByteArrayOutputStream;

/**
 * The verified fragments of one message being reassembled (RFC 7383 §2.6): one per direction of an
 * IKE SA, for the request or response it expects next. Only decrypted pieces are kept, so a forged
 * fragment never takes a slot; the number of fragments and their bytes are bounded, and the engine
 * drops a set that stays incomplete past {@link #TIMEOUT_SECONDS}.
 */
final class FragmentReassembly {

  /** The most fragments one message may come in. */
  static final int MAX_FRAGMENTS = 64;

  /** The most decrypted bytes one reassembled message may have. */
  static final int MAX_BYTES = 64 * 1024;

  /**
   * How long an incomplete set is kept: longer than a peer's usual retransmission schedule, after
   * which the whole message comes again anyway.
   */
  static final long TIMEOUT_SECONDS = 30;

  private final long messageId;
  private final byte[][] pieces;
  private int present;
  private int bytes;
  private int firstType;
  private byte[] firstFragment;
  private Scheduler.Timer timer;

  FragmentReassembly(long messageId, int totalFragments) {
    if (totalFragments < 1 || totalFragments > MAX_FRAGMENTS) {
      throw new IllegalArgumentException(totalFragments + " fragments");
    }
    this.messageId = messageId;
    this.pieces = new byte[totalFragments][];
  }

  long messageId() {
    return messageId;
  }

  int totalFragments() {
    return pieces.length;
  }

  boolean has(int number) {
    return pieces[number - 1] != null;
  }

  /** Decrypted bytes held so far. */
  int bytes() {
    return bytes;
  }

  /**
   * Keeps fragment {@code number}'s decrypted {@code piece}; fragment 1 also gives the first inner
   * payload's type and its datagram, by which a retransmitted request is known (§2.6.1).
   *
   * @return false if that makes the message larger than {@link #MAX_BYTES}: drop the set
   */
  boolean add(int number, byte[] piece, int innerNextPayload, byte[] datagram) {
    pieces[number - 1] = piece;
    present++;
    bytes += piece.length;
    if (number == 1) {
      firstType = innerNextPayload;
      firstFragment = datagram.clone();
    }
    return bytes <= MAX_BYTES;
  }

  boolean complete() {
    return present == pieces.length;
  }

  int firstType() {
    return firstType;
  }

  /** Fragment 1 as it arrived. */
  byte[] firstFragment() {
    return firstFragment.clone();
  }

  /** The pieces in order: the inner payloads of the whole message. */
  byte[] joined() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes);
    for (byte[] piece : pieces) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }

  void timer(Scheduler.Timer t) {
    timer = t;
  }

  /** Stops the timeout: the set is complete or dropped. */
  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
