package io.mvpn.aodv.route;

/**
 * Destination sequence numbers (RFC 3561 §6.1): unsigned 32-bit values held in an {@code int}.
 *
 * <p>They are compared by signed difference, not by magnitude, so that a counter that wrapped from
 * 0xFFFFFFFF to 0 still counts as newer than the values just before the wrap.
 */
public final class Seq {

  private Seq() {}

  /** Whether {@code a} is fresher than {@code b}: {@code (int) (a - b) > 0}. */
  public static boolean isNewer(int a, int b) {
    return a - b > 0;
  }

  /** Whether {@code a} is older than {@code b}, i.e. stale information (§6.1). */
  public static boolean isOlder(int a, int b) {
    return a - b < 0;
  }

  /** The fresher of two numbers by the §6.1 comparison. */
  public static int max(int a, int b) {
    return isNewer(b, a) ? b : a;
  }

  /** The next number; 0xFFFFFFFF wraps to 0 (unsigned increment, §6.1). */
  public static int next(int seq) {
    return seq + 1;
  }

  /** The unsigned decimal text, as operators read sequence numbers. */
  public static String toString(int seq) {
    return Integer.toUnsignedString(seq);
  }
}
