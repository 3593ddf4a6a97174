package io.mvpn.diameter.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** dumpcap on the loopback interface for some TCP ports, written to a pcapng file. */
final class LoopbackCapture implements AutoCloseable {

  static final Path DUMPCAP = Path.of("/usr/bin/dumpcap");
  static final Path TSHARK = Path.of("/usr/bin/tshark");

  /** What a capture read by tshark needs: fails under CI, skips elsewhere. */
  static void requireTools() {
    io.mvpn.api.testing.Requirements.require(
        Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    io.mvpn.api.testing.Requirements.require(
        Files.isExecutable(DUMPCAP), "dumpcap is not installed (tshark's package)");
    io.mvpn.api.testing.Requirements.require(
        "root".equals(System.getProperty("user.name")), "capturing on loopback needs root");
  }

  private final Process process;
  final Path file;

  private LoopbackCapture(Process process, Path file) {
    this.process = process;
    this.file = file;
  }

  static LoopbackCapture start(Path file, int... ports) throws IOException, InterruptedException {
    StringBuilder filter = new StringBuilder();
    for (int p : ports) {
      filter.append(filter.length() == 0 ? "" : " or ").append("tcp port ").append(p);
    }
    Path err = file.resolveSibling(file.getFileName() + ".txt");
    Process p =
        new ProcessBuilder(
                DUMPCAP.toString(),
                "-q",
                "-i",
                "lo",
                "-f",
                filter.toString(),
                "-w",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(err.toFile())
            .start();
    // Bounded wait for dumpcap to have opened its file: packets before that would be missed.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(file) && Files.size(file) > 0) && System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("dumpcap ended: " + Files.readString(err));
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return new LoopbackCapture(p, file);
  }

  /** tshark's output for {@code pcap} with {@code args}, trimmed; a bounded wait. */
  static String tshark(Path pcap, String... args) throws IOException, InterruptedException {
    java.util.List<String> cmd =
        new java.util.ArrayList<>(
            java.util.List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .trim();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("tshark did not finish in 60 s");
    }
    return out;
  }

  /** Stops dumpcap (SIGTERM ends its file properly) and returns the file. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    // Packets just sent may still be on their way to dumpcap's buffer.
    TimeUnit.MILLISECONDS.sleep(1500);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
