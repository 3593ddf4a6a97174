package io.mvpn.api.shell;

import java.util.Locale;

/**
 * Byte counts as an operator reads them in a shell table: {@code 512 B}, {@code 1.5 KiB}, {@code
 * 23.4 MiB}, {@code 1.2 GiB}. Binary (IEC) units, because buffers, MTUs and the kernel's own
 * figures count in powers of two; one decimal, so a column stays narrow. Packet counts are not
 * bytes and stay plain numbers.
 */
public final class ByteUnits {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteUnits() {}

  /** The count in the largest unit that keeps it at 1 or more; a negative count is refused. */
  public static String format(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a byte count is not negative: " + bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    // Step up while the value would round to 1024.0 or more at one decimal.
    while (value >= 1023.95 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
