package io.mvpn.lab;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the durations of topology files: {@code 5ms}, {@code 1.5s}, {@code 250us}, {@code 0}. */
final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s)?");

  private Durations() {}

  static long parseNanos(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "duration '" + text + "': expected a number with ns, us, ms or s, e.g. 5ms");
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    double nanosPerUnit =
        switch (unit) {
          case "ns" -> 1;
          case "us", "µs" -> 1e3;
          case "ms" -> 1e6;
          default -> 1e9;
        };
    if (m.group(2) == null && Double.parseDouble(m.group(1)) != 0) {
      throw new IllegalArgumentException("duration '" + text + "' needs a unit (ns, us, ms, s)");
    }
    return Math.round(Double.parseDouble(m.group(1)) * nanosPerUnit);
  }
}
