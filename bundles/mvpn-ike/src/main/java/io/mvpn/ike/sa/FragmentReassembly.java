package io.mvpn.ike.sa;

import io.mvpn.api.time.Scheduler;
import java.io.ByteArrayOutputStream;

/**
 * The verified fragments of one message being reassembled (RFC 7383 §2.6): one per direction of an
 * IKE SA, for the request or response it expects next. Only decrypted pieces are kept, so a forged
 * fragment never takes a slot; the number of fragments and their bytes are bounded, all sets of an
 * engine together draw on one {@link Budget} (a peer needs only IKE_SA_INIT to send fragments that
 * verify, so half-open SAs would otherwise each hold up to {@link #MAX_BYTES}), and the engine
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

  /** What the fragment sets of one engine may hold together by default. */
  static final long ENGINE_MAX_BYTES = 16L << 20;

  /** The bytes all fragment sets of one engine hold, against a ceiling. */
  static final class Budget {
    private final long limit;
    private long held;

    Budget(long limit) {
      this.limit = limit;
    }

    boolean take(int n) {
      if (held + n > limit) {
        return false;
      }
      held += n;
      return true;
    }

    void give(long n) {
      held -= n;
    }

    long held() {
      return held;
    }
  }

  private final long messageId;
  private final Budget budget;
  private final byte[][] pieces;
  private int present;
  private int bytes;
  private int firstType;
  private byte[] firstFragment;
  private Scheduler.Timer timer;

  FragmentReassembly(long messageId, int totalFragments, Budget budget) {
    if (totalFragments < 1 || totalFragments > MAX_FRAGMENTS) {
      throw new IllegalArgumentException(totalFragments + " fragments");
    }
    this.messageId = messageId;
    this.budget = budget;
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
   * @return false, keeping nothing, if that makes the message larger than {@link #MAX_BYTES} or the
   *     engine's sets larger than their budget: drop the set
   */
  boolean add(int number, byte[] piece, int innerNextPayload, byte[] datagram) {
    if (bytes + piece.length > MAX_BYTES || !budget.take(piece.length)) {
      return false;
    }
    pieces[number - 1] = piece;
    present++;
    bytes += piece.length;
    if (number == 1) {
      firstType = innerNextPayload;
      firstFragment = datagram.clone();
    }
    return true;
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

  /** The set is complete or dropped: stops the timeout and gives its bytes back to the budget. */
  void release() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    budget.give(bytes);
    bytes = 0;
  }
}
