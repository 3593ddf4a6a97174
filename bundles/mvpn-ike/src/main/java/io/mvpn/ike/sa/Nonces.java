package io.mvpn.ike.sa;

import java.util.Arrays;

/** Telling two simultaneous re-keys of one SA apart (RFC 7296 §2.8.1, §2.8.2). */
final class Nonces {

  private Nonces() {}

  /**
   * Whether the lowest of the four nonces of two exchanges is one of the first exchange's, {@code
   * ni} or {@code nr}: then the SA the first exchange created is the redundant one. Nonces compare
   * as unsigned big-endian numbers, a shorter one first when the other starts with it.
   */
  static boolean lowestIn(byte[] ni, byte[] nr, byte[] otherNi, byte[] otherNr) {
    return Arrays.compareUnsigned(lowest(ni, nr), lowest(otherNi, otherNr)) < 0;
  }

  private static byte[] lowest(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
  }
}
