package io.mvpn.mn.compare;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.MnVpnClient;
import io.mvpn.mn.compare.HandoverBench.Handover;
import io.mvpn.net.transport.tun.KernelLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001 against MOBIKE on one real path (issue 16), every row on {@link DelayedPath} (every link
 * 20 ms each way) with the same stream and captures: a numbered UDP stream every 5 ms each way
 * between the laptop's inner address and the site host; link A goes away and the client carries on
 * over B. strongSwan's rows: charon as the laptop's client against charon as the gateway, with
 * MOBIKE (row (c)) or, without it, by keying a new IKE SA (a reference for row (b)). mvpn's rows
 * ({@link MnVpnClient}): the installed {@code mvpn-mn} in mode vpn against the appliance's gateway
 * and home agent, with the seed 001 handover (row (a): its registration-to-first-ESP time on link
 * B, from the laptop's capture, held to seed 001's target; its whole gap only reported) or a fresh
 * tunnel (row (b)). {@link #RUNS} runs for rows (a) and (c), whose medians are compared, {@link
 * #REFERENCE_RUNS} for the two rows that key a new tunnel (references only, and the slowest part of
 * the build); every run must keep or re-key its SAs as the row says, resume the stream both ways
 * and have captures that agree with the stream programs' own counts. The table (median and range)
 * goes to {@link #TABLE}.
 *
 * <p>Needs root, /dev/net/tun, ip, python3, strongSwan's charon and swanctl, dumpcap and tshark,
 * and the packaged launcher (target/mvpn-mn); fails without them under CI=true. Run under {@code
 * flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MobikeHandoverIT {

  /** Runs of rows (a) and (c); {@code -Dmvpn.handover.runs=N} for more. */
  static final int RUNS = Integer.getInteger("mvpn.handover.runs", 5);

  /** Runs of the rows that key a new tunnel; {@code -Dmvpn.handover.referenceRuns=N}. */
  static final int REFERENCE_RUNS = Integer.getInteger("mvpn.handover.referenceRuns", 3);

  static final Path TABLE = Path.of("target", "seed001-vs-mobike.md");

  /** Where each run's logs and captures are kept, by row and run. */
  static final Path LOGS = Path.of("target", "seed001-vs-mobike");

  private static final Map<String, List<Handover>> ROWS = new LinkedHashMap<>();

  @BeforeAll
  static void requirements() throws Exception {
    KernelLab.requireKernel("dumpcap", "tshark", "swanctl");
    require(
        Files.isExecutable(CharonInNamespace.CHARON),
        "strongSwan's charon (strongswan-charon, libstrongswan-standard-plugins)");
    require(Files.isExecutable(NetnsLab.PYTHON), NetnsLab.PYTHON + " (python3)");
  }

  @Test
  @Order(1)
  void charonWithMobikeKeepsItsSasOnLinkBAndTheStreamResumesBothWays(@TempDir Path dir)
      throws Exception {
    measure(dir, "mobike", StrongSwanClient::withMobike, RUNS);
  }

  @Test
  @Order(2)
  void charonWithoutMobikeKeysANewTunnelOnLinkBAndTheStreamResumesBothWays(@TempDir Path dir)
      throws Exception {
    measure(dir, "reauth", StrongSwanClient::reauthenticating, REFERENCE_RUNS);
  }

  /**
   * Row (a) against seed 001's target, on the part of the gap that is seed 001's own: from the
   * laptop's capture, the time from the first ESP leaving on link B (the registration through the
   * tunnel, with the upstream queued during the move) to the gateway's first ESP to B, that is the
   * registration to the home agent, its SIU to the gateway and the first datagram back. Its median
   * over the runs is held to one laptop-gateway round trip (two links), one gateway-home agent
   * round trip (the DMZ, one link) and 10 ms, from the path's delays (seed 001's target), plus 3 ms
   * for each of the six link crossings on the way: each goes through a userspace relay, whose
   * wake-ups on a busy 2-core host are the test rig's, not the handover's (medians on a quiet
   * machine 124-131 ms, under load up to 131 ms; docs/benchmarks.md compares them with the 130 ms
   * target itself). The whole downstream gap (the node's look on the kernel's notification that A's
   * address went, the move to B's warm standby, and relay jitter on the loaded host) is reported
   * against the 130 ms target, in the table and on its own line.
   */
  @Test
  @Order(3)
  void mvpnMnFastHandoverKeepsItsSasWithinSeed001sRoundTrips(@TempDir Path dir) throws Exception {
    List<MnVpnClient> clients = new ArrayList<>();
    List<Handover> fast = measure(dir, "fast", tracked(clients, MnVpnClient::fast), RUNS);
    List<Double> handovers = new ArrayList<>();
    List<Double> before = new ArrayList<>();
    for (int i = 0; i < fast.size(); i++) {
      Path capture = LOGS.resolve("fast-run-" + (i + 1)).resolve("path").resolve("laptop.pcapng");
      double[] firsts =
          StreamDirection.firstEspOutAndBack(capture, DelayedPath.LAPTOP_B, DelayedPath.GATEWAY);
      handovers.add(1000 * (firsts[1] - firsts[0]));
      before.add(1000 * (firsts[0] - fast.get(i).down().lastBefore()));
    }
    System.out.printf(
        "%s: from the last datagram down on A to the registration leaving on B %s ms%n",
        clients.get(0).row(), before.stream().map(Math::round).toList());
    System.out.printf(
        "%s: from the registration leaving on B to the first ESP to B %s ms%n",
        clients.get(0).row(), handovers.stream().map(Math::round).toList());
    assertThat(handovers).as("every run's capture shows both ends").noneMatch(d -> d.isNaN());
    double median = HandoverBench.median(handovers);
    long link = DelayedPath.DELAY.toMillis();
    long target = 2 * (2 * link) + 2 * link + 10;
    long relays = 6 * 3;
    System.out.printf(
        "%s: median %.0f ms against seed 001's target %d ms%n",
        clients.get(0).row(), median, target);
    List<Double> gaps = fast.stream().map(h -> (double) h.down().gapMillis()).toList();
    System.out.printf(
        "%s: whole downstream gap %s ms, median %.0f ms against seed 001's target %d ms%n",
        clients.get(0).row(),
        gaps.stream().map(Math::round).toList(),
        HandoverBench.median(gaps),
        target);
    assertThat(median)
        .as(
            "(a)'s median time from the registration leaving on B to the first ESP to B, %.0f ms"
                + " (each run: %s), against seed 001's target %d ms (one laptop-gateway round"
                + " trip, %d ms over two links of %d ms each way; one gateway-home agent round"
                + " trip, %d ms; 10 ms) and %d ms for the relays of six link crossings",
            median, handovers, target, 4 * link, link, 2 * link, relays)
        .isLessThanOrEqualTo(target + relays);
  }

  @Test
  @Order(4)
  void mvpnMnReestablishingKeysANewTunnelOnLinkBAndTheStreamResumesBothWays(@TempDir Path dir)
      throws Exception {
    List<MnVpnClient> clients = new ArrayList<>();
    measure(dir, "reestablish", tracked(clients, MnVpnClient::reestablishing), REFERENCE_RUNS);
  }

  /** Makes clients with {@code make} and keeps them in {@code clients}. */
  private static Function<Path, HandoverClient> tracked(
      List<MnVpnClient> clients, Function<Path, MnVpnClient> make) {
    return d -> {
      MnVpnClient c = make.apply(d);
      clients.add(c);
      return c;
    };
  }

  private static List<Handover> measure(
      Path dir, String name, Function<Path, HandoverClient> clients, int count) throws Exception {
    List<Handover> runs = new ArrayList<>();
    String row = null;
    for (int i = 0; i < count; i++) {
      Path runDir = dir.resolve("run-" + i);
      HandoverClient client = clients.apply(runDir.resolve("client"));
      row = client.row();
      Handover h;
      try {
        h = HandoverBench.once(client, runDir.resolve("path"));
      } finally {
        keepLogs(runDir, LOGS.resolve(name + "-run-" + (i + 1)));
      }
      System.out.printf("%s, run %d: %s%n", row, i + 1, h);
      HandoverBench.check(h, client);
      runs.add(h);
    }
    synchronized (ROWS) {
      ROWS.put(row, runs);
    }
    return runs;
  }

  /** Copies the logs and captures below {@code from} to {@code to}, by their relative paths. */
  private static void keepLogs(Path from, Path to) throws Exception {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path log : files.filter(MobikeHandoverIT::kept).toList()) {
        Path copy = to.resolve(from.relativize(log).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static boolean kept(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".log") || name.endsWith(".pcapng");
  }

  @AfterAll
  static void writeTable() throws Exception {
    StringBuilder table = new StringBuilder(HandoverBench.HEADER);
    ROWS.forEach((row, runs) -> table.append(HandoverBench.row(row, runs)));
    Files.createDirectories(TABLE.getParent());
    Files.writeString(TABLE, table);
    System.out.print(table);
  }
}
