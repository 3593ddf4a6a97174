package io.mvpn.mn.compare;

import io.mvpn.net.capture.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One direction of the handover stream as the wire saw it: the datagrams the capture at the
 * sender's end saw leave, those the capture at the receiver's end saw arrive (each number once),
 * and the longest silence at the receiver around the move, between its last arrival before the
 * silence and its first after. NaN for {@code firstAfter} says nothing arrived after the move.
 */
public record StreamDirection(
    String name, int sent, int received, double lastBefore, double firstAfter) {

  /** What the stream lost on the way, by the captures: sent less received. */
  public int lost() {
    return sent - received;
  }

  public boolean resumed() {
    return !Double.isNaN(firstAfter);
  }

  public double gapMillis() {
    return 1000 * (firstAfter - lastBefore);
  }

  /** One datagram of the stream in a capture: when (seconds since the epoch) and its number. */
  record Frame(double time, long number) {}

  /**
   * The stream's datagrams from {@code from} to {@code to} on {@code port} in a capture, in capture
   * order; the number is the one {@code udp-stream.py} wrote after its magic.
   */
  static List<Frame> frames(Path capture, String from, String to, int port) throws Exception {
    List<Frame> frames = new ArrayList<>();
    String fields =
        Tshark.fields(
            capture,
            List.of(),
            "frame.time_epoch",
            "ip.src",
            "ip.dst",
            "udp.dstport",
            "udp.payload");
    for (String line : fields.lines().toList()) {
      String[] f = line.split("\\|", -1);
      if (f.length < 5 || !f[1].equals(from) || !f[2].equals(to)) {
        continue;
      }
      String payload = f[4].replace(":", "");
      if (!f[3].equals(Integer.toString(port)) || !payload.startsWith(MAGIC_HEX)) {
        continue;
      }
      frames.add(new Frame(Double.parseDouble(f[0]), Long.parseLong(payload.substring(8, 16), 16)));
    }
    return frames;
  }

  /**
   * From a capture at the node: milliseconds from the first ESP (raw or in UDP) leaving {@code
   * node} for {@code gateway} to the first ESP from {@code gateway} to {@code node} after it; NaN
   * if either is missing. With {@code node} the address on link B, that is the handover alone, from
   * the registration (and the upstream queued with it) leaving on B to the downstream resuming on
   * B.
   */
  static double firstEspBackMillis(Path capture, String node, String gateway) throws Exception {
    double[] firsts = firstEspOutAndBack(capture, node, gateway);
    return 1000 * (firsts[1] - firsts[0]);
  }

  /**
   * From a capture at the node: when (seconds since the epoch) the first ESP left {@code node} for
   * {@code gateway}, and when the first ESP from {@code gateway} to {@code node} came after it; NaN
   * for either that is missing.
   */
  static double[] firstEspOutAndBack(Path capture, String node, String gateway) throws Exception {
    double out = Double.NaN;
    String fields =
        Tshark.fields(capture, List.of(), "frame.time_epoch", "ip.src", "ip.dst", "esp.spi");
    for (String line : fields.lines().toList()) {
      String[] f = line.split("\\|", -1);
      if (f.length < 4 || f[3].isEmpty()) {
        continue;
      }
      double time = Double.parseDouble(f[0]);
      if (Double.isNaN(out) && f[1].equals(node) && f[2].equals(gateway)) {
        out = time;
      } else if (!Double.isNaN(out) && f[1].equals(gateway) && f[2].equals(node) && time >= out) {
        return new double[] {out, time};
      }
    }
    return new double[] {out, Double.NaN};
  }

  /** "MVHO", the stream's magic, as tshark prints payload bytes. */
  private static final String MAGIC_HEX = "4d56484f";

  /**
   * The direction across a move at {@code moved} (seconds since the epoch): counts from both
   * captures, and the longest silence at the receiver that ends after the move and begins no
   * earlier than a second before it.
   */
  static StreamDirection across(
      String name, List<Frame> atSender, List<Frame> atReceiver, double moved) {
    Set<Long> arrived = new HashSet<>();
    List<Double> arrivals = new ArrayList<>();
    for (Frame f : atReceiver) {
      if (arrived.add(f.number())) {
        arrivals.add(f.time());
      }
    }
    arrivals.sort(Double::compare);
    double lastBefore = Double.NaN;
    double firstAfter = Double.NaN;
    for (int i = 1; i < arrivals.size(); i++) {
      double a = arrivals.get(i - 1);
      double b = arrivals.get(i);
      boolean spansTheMove = b > moved && a >= moved - 1;
      if (spansTheMove && (Double.isNaN(firstAfter) || b - a > firstAfter - lastBefore)) {
        lastBefore = a;
        firstAfter = b;
      }
    }
    long distinctSent = atSender.stream().map(Frame::number).distinct().count();
    return new StreamDirection(name, (int) distinctSent, arrived.size(), lastBefore, firstAfter);
  }
}
