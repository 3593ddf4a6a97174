package io.mvpn.mn.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.compare.StreamDirection.Frame;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Measures one {@link HandoverClient} across one move on a fresh {@link DelayedPath}: a numbered
 * UDP stream both ways ({@code udp-stream.py}, one datagram every {@link #INTERVAL} each way)
 * between the laptop's inner address and the site host, {@link #MOVE_AFTER} into the stream link A
 * goes away, and dumpcap records the laptop (every device, so the inner datagrams on the client's
 * tunnel device) and the site's link. Interruption and loss come from the captures, each
 * direction's silence at its receiver; the stream programs' own counts are kept to check the
 * captures against.
 */
public final class HandoverBench {

  public static final int PORT = 45871;

  /**
   * The stream's interval each way ({@code -Dmvpn.handover.intervalMillis}): a silence measured
   * between two arrivals holds up to one interval at each end that is the stream's grid, not the
   * handover's, so the interval is the measurement's resolution.
   */
  public static final Duration INTERVAL =
      Duration.ofMillis(Long.getLong("mvpn.handover.intervalMillis", 1));

  public static final Duration STREAM = Duration.ofSeconds(8);
  public static final Duration MOVE_AFTER = Duration.ofMillis(2500);

  /**
   * {@code -Dmvpn.handover.wireCapture=true}: also records every relay's both ends (wire.pcapng),
   * to tell the path's link crossings from the ends' own time.
   */
  static final boolean WIRE_CAPTURE = Boolean.getBoolean("mvpn.handover.wireCapture");

  private HandoverBench() {}

  /** What one end's stream program counted (udp-stream.py's result line). */
  public record Tally(int sent, int failed, int received, int duplicates, int foreign) {
    static Tally parse(String line) {
      String[] w = line.trim().split("\\s+");
      return new Tally(
          Integer.parseInt(w[1]),
          Integer.parseInt(w[3]),
          Integer.parseInt(w[5]),
          Integer.parseInt(w[7]),
          Integer.parseInt(w[9]));
    }
  }

  /** One run: both directions from the wire, both programs' counts, the tunnel's keys. */
  public record Handover(
      StreamDirection down,
      StreamDirection up,
      Tally laptop,
      Tally site,
      String sasBefore,
      String sasAfter,
      boolean onLinkB) {

    public boolean sasKept() {
      return sasBefore.equals(sasAfter);
    }
  }

  /** Runs {@code client} once on a path of its own, in namespaces removed before it returns. */
  public static Handover once(HandoverClient client, Path dir) throws Exception {
    Files.createDirectories(dir);
    try (NetnsLab lab = new NetnsLab();
        HandoverClient c = client) {
      DelayedPath path = DelayedPath.build(lab, dir);
      c.start(path);
      String before = c.sas();
      Path laptopCapture = dir.resolve("laptop.pcapng");
      Path siteCapture = dir.resolve("site.pcapng");
      Process laptopDumpcap = Dumpcap.start(lab, path.laptop, "any", laptopCapture);
      Process siteDumpcap = Dumpcap.start(lab, path.site, path.siteNic, siteCapture);
      Process wireDumpcap =
          WIRE_CAPTURE
              ? Dumpcap.start(lab, path.wire, "any", dir.resolve("wire.pcapng"), "-y", "LINUX_SLL2")
              : null;
      if (WIRE_CAPTURE) {
        Files.writeString(dir.resolve("wire-links.txt"), lab.in(path.wire, "ip", "-o", "link"));
      }
      Path script = dir.resolve("udp-stream.py");
      try (InputStream in = HandoverBench.class.getResourceAsStream("/udp-stream.py")) {
        Files.copy(in, script);
      }
      Process site =
          stream(lab, path.site, script, DelayedPath.SITE_HOST, c.innerAddress(), dir, "site");
      Process laptop =
          stream(lab, path.laptop, script, c.innerAddress(), DelayedPath.SITE_HOST, dir, "laptop");
      awaitReady(dir, "site", site);
      awaitReady(dir, "laptop", laptop);
      Files.createFile(dir.resolve("go"));
      Thread.sleep(MOVE_AFTER.toMillis());
      Instant now = Instant.now();
      double moved = now.getEpochSecond() + now.getNano() / 1e9;
      c.move(path);
      boolean onB = c.awaitOnLinkB(path, STREAM.minus(MOVE_AFTER));
      long bound = STREAM.toSeconds() + 10;
      if (!(site.waitFor(bound, TimeUnit.SECONDS) && laptop.waitFor(bound, TimeUnit.SECONDS))) {
        throw new AssertionError("the stream did not end: " + c.diagnostics());
      }
      String after = c.sas();
      Dumpcap.stop(laptopDumpcap);
      Dumpcap.stop(siteDumpcap);
      if (wireDumpcap != null) {
        Dumpcap.stop(wireDumpcap);
      }
      String inner = c.innerAddress();
      String host = DelayedPath.SITE_HOST;
      List<Frame> downSent = StreamDirection.frames(siteCapture, host, inner, PORT);
      List<Frame> downReceived = StreamDirection.frames(laptopCapture, host, inner, PORT);
      List<Frame> upSent = StreamDirection.frames(laptopCapture, inner, host, PORT);
      List<Frame> upReceived = StreamDirection.frames(siteCapture, inner, host, PORT);
      return new Handover(
          StreamDirection.across("downstream", downSent, downReceived, moved),
          StreamDirection.across("upstream", upSent, upReceived, moved),
          tally(dir, "laptop"),
          tally(dir, "site"),
          before,
          after,
          onB);
    }
  }

  private static Process stream(
      NetnsLab lab, String namespace, Path script, String local, String peer, Path dir, String end)
      throws Exception {
    return lab.start(
        namespace,
        ProcessBuilder.Redirect.to(dir.resolve(end + "-stream.txt").toFile()),
        NetnsLab.PYTHON.toString(),
        script.toString(),
        local,
        peer,
        Integer.toString(PORT),
        Long.toString(INTERVAL.toMillis()),
        Long.toString(STREAM.toSeconds()),
        dir.resolve(end + ".tally").toString(),
        dir.resolve(end + ".ready").toString(),
        dir.resolve("go").toString());
  }

  private static void awaitReady(Path dir, String end, Process p) throws Exception {
    Path ready = dir.resolve(end + ".ready");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(ready) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (!Files.exists(ready)) {
      throw new AssertionError(
          end + "'s stream did not start: " + Files.readString(dir.resolve(end + "-stream.txt")));
    }
  }

  private static Tally tally(Path dir, String end) throws Exception {
    return Tally.parse(Files.readString(dir.resolve(end + ".tally")));
  }

  /**
   * What must hold of every run, whatever the client: it says it is on link B; its keys survived if
   * it keeps them and are new if it does not; the stream resumed both ways; each capture counts
   * what the stream programs counted (the sender's capture what its program sent, the receiver's
   * what its program received), so lost = sent - received holds at both ends.
   */
  public static void check(Handover h, HandoverClient client) {
    String context = h + "\n" + client.diagnostics();
    assertThat(h.onLinkB()).as("on link B: %s", context).isTrue();
    assertThat(h.sasKept()).as("SAs kept: %s", context).isEqualTo(client.keepsSas());
    for (StreamDirection d : List.of(h.down(), h.up())) {
      assertThat(d.resumed()).as("%s resumed: %s", d.name(), context).isTrue();
      assertThat(d.received()).as("%s: %s", d.name(), context).isBetween(1, d.sent());
    }
    assertThat(List.of(h.down().sent(), h.down().received(), h.up().sent(), h.up().received()))
        .as("captures (down sent, received; up sent, received) against the programs: %s", h)
        .containsExactly(
            h.site().sent(), h.laptop().received(), h.laptop().sent(), h.site().received());
    assertThat(h.laptop().foreign() + h.site().foreign()).as("foreign datagrams: %s", h).isZero();
  }

  /** The table's header, for {@link #row}. */
  public static final String HEADER =
      "| row | runs | downstream gap (ms) | upstream gap (ms) | lost down | lost up | SAs kept |\n"
          + "|---|---:|---:|---:|---:|---:|---|\n";

  /** One row of the comparison: median and range over the runs of each figure. */
  public static String row(String name, List<Handover> runs) {
    long kept = runs.stream().filter(Handover::sasKept).count();
    return "| %s | %d | %s | %s | %s | %s | %d of %d |%n"
        .formatted(
            name,
            runs.size(),
            spread(runs, h -> h.down().gapMillis()),
            spread(runs, h -> h.up().gapMillis()),
            spread(runs, h -> h.down().lost()),
            spread(runs, h -> h.up().lost()),
            kept,
            runs.size());
  }

  /** "median (min–max)", rounded to whole numbers. */
  static String spread(List<Handover> runs, ToDoubleFunction<Handover> figure) {
    List<Double> values = sorted(runs, figure);
    return String.format(
        Locale.ROOT,
        "%.0f (%.0f–%.0f)",
        median(values),
        values.get(0),
        values.get(values.size() - 1));
  }

  /** The median of some figures. */
  public static double median(List<Double> figures) {
    List<Double> values = new ArrayList<>(figures);
    values.sort(Double::compare);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  private static List<Double> sorted(List<Handover> runs, ToDoubleFunction<Handover> figure) {
    List<Double> values = new ArrayList<>();
    for (Handover h : runs) {
      values.add(figure.applyAsDouble(h));
    }
    values.sort(Double::compare);
    return values;
  }
}
