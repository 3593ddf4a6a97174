package io.mvpn.mn.compare;

import io.mvpn.homeagent.NetnsLab;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A link delay in userspace, as this kernel has no netem: {@code delay-relay.py} (a test resource)
 * bridging two Ethernet devices of one namespace, each frame held {@code delay} in either
 * direction. The relay stops with the lab's programs.
 */
public final class DelayRelay {

  private DelayRelay() {}

  /**
   * Starts the relay between devices {@code a} and {@code b} of {@code namespace} and waits, at
   * most 10 s, until it listens on both; its script and output files go to {@code dir}, named after
   * {@code name}.
   */
  public static Process start(
      NetnsLab lab, String namespace, String a, String b, Duration delay, Path dir, String name)
      throws Exception {
    Path script = dir.resolve("delay-relay.py");
    if (!Files.exists(script)) {
      try (InputStream in = DelayRelay.class.getResourceAsStream("/delay-relay.py")) {
        Files.copy(in, script);
      }
    }
    Path ready = dir.resolve(name + "-ready");
    Path output = dir.resolve(name + ".txt");
    Process p =
        lab.start(
            namespace,
            ProcessBuilder.Redirect.to(output.toFile()),
            NetnsLab.PYTHON.toString(),
            script.toString(),
            a,
            b,
            Long.toString(delay.toMillis()),
            "4096",
            ready.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(ready) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (!Files.exists(ready)) {
      throw new AssertionError("the delay relay did not start: " + Files.readString(output));
    }
    return p;
  }
}
