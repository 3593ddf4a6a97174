package io.mvpn.homeagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A UDP echo server run by a real host's kernel in a site namespace (udp-echo.py), and the lines it
 * printed: one per datagram, its sender and payload. Other modules' tests on real kernels start it
 * through this module's test-jar.
 */
public record UdpEchoHost(Process process, BufferedReader output) {

  /** The script, from the directory of whichever bundle module runs the test. */
  private static final Path SCRIPT = Path.of("../mvpn-homeagent/src/test/scripts/udp-echo.py");

  /** Starts the server on ADDRESS:PORT in the namespace; it exits after {@code count} echoes. */
  public static UdpEchoHost start(
      NetnsLab lab, String namespace, String address, int port, int count) throws Exception {
    Process p =
        lab.start(
            namespace,
            ProcessBuilder.Redirect.PIPE,
            NetnsLab.PYTHON.toString(),
            SCRIPT.toString(),
            address,
            Integer.toString(port),
            Integer.toString(count),
            "30");
    BufferedReader output =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(output)).get(20, TimeUnit.SECONDS);
    assertThat(first).as("echo server in %s", namespace).isEqualTo("ready");
    return new UdpEchoHost(p, output);
  }

  /** Waits for the server to have echoed its count (bounded) and returns what it printed. */
  public List<String> finish() throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("echo server finished").isTrue();
    List<String> lines = new ArrayList<>();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      lines.add(line);
    }
    return lines;
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
