package io.mvpn.metrics;

import io.mvpn.api.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Prometheus's own linter over a scrape: {@code promtool check metrics} (Debian prometheus). */
final class Promtool {

  /** What promtool said, and its exit code: 0 clean, 1 unparsable, 3 lint problems. */
  record Verdict(int exitCode, String output) {}

  private Promtool() {}

  static Verdict check(String scrape) throws IOException, InterruptedException {
    Requirements.require(
        Files.isExecutable(Path.of("/usr/bin/promtool")),
        "promtool is not installed (Debian package prometheus)");
    Path file = Files.createTempFile("mvpn-scrape", ".prom");
    try {
      Files.writeString(file, scrape, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder("/usr/bin/promtool", "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("promtool did not finish within 30 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Verdict(p.exitValue(), output);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
