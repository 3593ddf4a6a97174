package io.mvpn.mn.compare;

import io.mvpn.homeagent.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** dumpcap recording a device of a namespace, for the test to read with tshark afterwards. */
public final class Dumpcap {

  private Dumpcap() {}

  /**
   * Starts dumpcap on {@code device} ("any" for every device), with {@code options} such as a
   * capture filter, and returns once it has started its file (at most 10 s), so the first frames
   * are in it.
   */
  public static Process start(
      NetnsLab lab, String namespace, String device, Path file, String... options)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("dumpcap", "-q", "-i", device));
    command.addAll(List.of(options));
    command.addAll(List.of("-w", file.toString()));
    Process dumpcap =
        lab.start(namespace, ProcessBuilder.Redirect.DISCARD, command.toArray(String[]::new));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(file) && Files.size(file) > 0)
        && dumpcap.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (!(Files.exists(file) && Files.size(file) > 0)) {
      throw new AssertionError("dumpcap did not start its file on " + device + " in " + namespace);
    }
    return dumpcap;
  }

  /** Stops dumpcap (it writes out what it holds), bounded. */
  public static void stop(Process dumpcap) throws Exception {
    dumpcap.destroy();
    if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
      dumpcap.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
