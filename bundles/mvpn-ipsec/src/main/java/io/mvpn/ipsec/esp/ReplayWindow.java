package io.mvpn.ipsec.esp;

/**
 * The receiver's anti-replay window with extended sequence numbers (RFC 4303 §3.4.3 and Appendix
 * A). Only the low 32 bits of a sequence number travel; {@link #check} infers the high 32 bits
 * (App. A2) and tells whether the number is new and inside the window, without changing anything;
 * {@link #accept} moves the window, and must be called only once the ICV verified.
 *
 * <p>Not thread-safe: one per inbound SA, which calls it under its own lock.
 */
public final class ReplayWindow {

  /** RFC 4303 §3.4.3: at least 32; 64 is the default. */
  public static final int DEFAULT_SIZE = 64;

  private final int size;
  private final long[] bits;

  /** T: the highest authenticated sequence number (64 bits). */
  private long top;

  public ReplayWindow(int size) {
    if (size < 32 || size > 1 << 20) {
      throw new IllegalArgumentException("replay window " + size + " outside 32..1048576");
    }
    this.size = size;
    this.bits = new long[(size + 63) >>> 6];
  }

  public int size() {
    return size;
  }

  /** The highest sequence number accepted so far (0 before any). */
  public long top() {
    return top;
  }

  /**
   * Starts the window above {@code floor}, as if every number up to it had been received: an SA
   * restored from a store refuses whatever its previous instance may have accepted (RFC 4303
   * §3.4.3), and infers high-order bits from there.
   */
  public void startAbove(long floor) {
    if (Long.compareUnsigned(floor, top) > 0) {
      top = floor;
      java.util.Arrays.fill(bits, -1L);
    }
  }

  /**
   * The full 64-bit sequence number for the 32 bits received (RFC 4303 App. A2.1): within the
   * window or ahead of it, the high bits are T's or one more (or one less below a boundary).
   */
  public long infer(int receivedLow) {
    long tl = top & 0xFFFFFFFFL;
    long th = top >>> 32;
    long seql = receivedLow & 0xFFFFFFFFL;
    long w = size;
    long bottom = (tl - w + 1) & 0xFFFFFFFFL;
    long seqh;
    if (tl >= w - 1) {
      seqh = seql >= bottom ? th : th + 1; // Case A
    } else {
      seqh = seql >= bottom ? th - 1 : th; // Case B
    }
    return (seqh << 32) | seql;
  }

  /** Whether a (full) sequence number may be accepted: not 0, not seen, not left of the window. */
  public boolean check(long sequence) {
    if (sequence == 0 || sequence < 0) {
      return false;
    }
    if (sequence > top) {
      return true;
    }
    long behind = top - sequence;
    if (behind >= size) {
      return false;
    }
    return !isSet(sequence);
  }

  /** Marks a sequence number received; moves the window if it is the new highest. */
  public void accept(long sequence) {
    if (sequence > top) {
      long shift = sequence - top;
      if (shift >= size) {
        java.util.Arrays.fill(bits, 0);
      } else {
        for (long s = top + 1; s < sequence; s++) {
          clear(s);
        }
      }
      top = sequence;
    }
    set(sequence);
  }

  private int slot(long sequence) {
    return (int) (Long.remainderUnsigned(sequence, (long) bits.length * 64));
  }

  private boolean isSet(long sequence) {
    int s = slot(sequence);
    return (bits[s >>> 6] & (1L << (s & 63))) != 0;
  }

  private void set(long sequence) {
    int s = slot(sequence);
    bits[s >>> 6] |= 1L << (s & 63);
  }

  private void clear(long sequence) {
    int s = slot(sequence);
    bits[s >>> 6] &= ~(1L << (s & 63));
  }
}
