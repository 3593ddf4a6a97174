package io.mvpn.aodv.message;

/**
 * AODV sequence numbers (RFC 3561 §6.1): unsigned 32-bit values held in a Java {@code int} with the
 * same 32 bits, so 4294967295 is {@code 0xFFFFFFFF} (-1 as a Java int). Use {@link #toLong} or
 * {@link #toString} to show one.
 *
 * <p>Increments are unsigned and wrap: 0xFFFFFFFF becomes 0 and 0x7FFFFFFF becomes 0x80000000. No
 * value is skipped; 0 is an ordinary sequence number. A destination sequence number is "unknown"
 * only where a RREQ's U flag says so ({@link RouteRequest#UNKNOWN_SEQUENCE}), never because of its
 * value.
 *
 * <p>Comparisons use signed 32-bit arithmetic on the difference, which is what lets a rolled-over
 * number count as newer. This is not a total order: it is not transitive, and two numbers exactly
 * 2^31 apart are each older than the other. Never sort with it.
 */
public final class SequenceNumbers {

  private SequenceNumbers() {}

  /**
   * The sign of {@code (int) (a - b)}: negative if {@code a} is older (stale) than {@code b}, zero
   * if equal, positive if {@code a} is newer.
   */
  public static int compare(int a, int b) {
    return Integer.signum(a - b);
  }

  /** Whether {@code a} is strictly newer than {@code b}. */
  public static boolean isNewer(int a, int b) {
    return a - b > 0;
  }

  /** Whether {@code incoming} is older than {@code stored}, so information carrying it is stale. */
  public static boolean isStale(int incoming, int stored) {
    return incoming - stored < 0;
  }

  /** The newer of the two ({@code a} when neither is newer). */
  public static int max(int a, int b) {
    return isNewer(b, a) ? b : a;
  }

  /** The next number, as an unsigned increment: 0xFFFFFFFF becomes 0. */
  public static int increment(int seq) {
    return seq + 1;
  }

  /** The unsigned value, 0 to 4294967295. */
  public static long toLong(int seq) {
    return Integer.toUnsignedLong(seq);
  }

  /** A number given as its unsigned value, 0 to 4294967295. */
  public static int of(long unsigned) {
    if (unsigned < 0 || unsigned > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("sequence number " + unsigned + " is not 32-bit unsigned");
    }
    return (int) unsigned;
  }

  /** The unsigned value in decimal. */
  public static String toString(int seq) {
    return Integer.toUnsignedString(seq);
  }
}
