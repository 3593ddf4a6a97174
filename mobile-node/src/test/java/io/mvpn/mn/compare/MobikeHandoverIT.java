package io.mvpn.mn.compare;

import static io.mvpn.api.testing.Requirements.require;

import io.mvpn.homeagent.NetnsLab;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001 against MOBIKE on one real path (issue 16), strongSwan's rows: charon as the laptop's
 * client against charon as the gateway on {@link DelayedPath} (every link 20 ms each way), a
 * numbered UDP stream every 5 ms each way between the laptop's inner address and the site host;
 * link A goes away and charon moves to B, with MOBIKE (row (c)) or, without it, by keying a new IKE
 * SA (a reference for row (b)). {@link #RUNS} runs each; every run must keep or re-key its SAs as
 * the row says, resume the stream both ways and have captures that agree with the stream programs'
 * own counts. The table (median and range) goes to {@link #TABLE}.
 *
 * <p>Needs root, ip, python3, strongSwan's charon and swanctl, dumpcap and tshark; fails without
 * them under CI=true. Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is
 * bounded.
 */
class MobikeHandoverIT {

  /** Runs per row; {@code -Dmvpn.handover.runs=N} for more. */
  static final int RUNS = Integer.getInteger("mvpn.handover.runs", 5);

  static final Path TABLE = Path.of("target", "seed001-vs-mobike.md");

  /** Where each run's charon logs are kept, by row and run. */
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
  void charonWithMobikeKeepsItsSasOnLinkBAndTheStreamResumesBothWays(@TempDir Path dir)
      throws Exception {
    measure(dir, "mobike", StrongSwanClient::withMobike);
  }

  @Test
  void charonWithoutMobikeKeysANewTunnelOnLinkBAndTheStreamResumesBothWays(@TempDir Path dir)
      throws Exception {
    measure(dir, "reauth", StrongSwanClient::reauthenticating);
  }

  private static void measure(Path dir, String name, Function<Path, HandoverClient> clients)
      throws Exception {
    List<Handover> runs = new ArrayList<>();
    String row = null;
    for (int i = 0; i < RUNS; i++) {
      Path runDir = dir.resolve("run-" + i);
      HandoverClient client = clients.apply(runDir.resolve("client"));
      row = client.row();
      Handover h;
      try {
        h = HandoverBench.once(client, runDir.resolve("path"));
      } finally {
        keepLogs(runDir.resolve("client"), LOGS.resolve(name + "-run-" + (i + 1)));
      }
      System.out.printf("%s, run %d: %s%n", row, i + 1, h);
      HandoverBench.check(h, client);
      runs.add(h);
    }
    synchronized (ROWS) {
      ROWS.put(row, runs);
    }
  }

  /** Copies the *.log files below {@code from} to {@code to}, by their relative paths. */
  private static void keepLogs(Path from, Path to) throws Exception {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        Path copy = to.resolve(from.relativize(log).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    }
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
