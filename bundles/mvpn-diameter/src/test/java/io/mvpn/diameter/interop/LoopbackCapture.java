package io.mvpn.diameter.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** dumpcap on the loopback interface for some TCP ports, written to a pcapng file. */
final class LoopbackCapture implements AutoCloseable {

  static final Path DUMPCAP = Path.of("/usr/bin/dumpcap");

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
