package io.mvpn.net.capture;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tshark reading a capture: one line per frame, the asked fields separated by '|'. */
public final class Tshark {

  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  private Tshark() {}

  /**
   * The fields of every frame in {@code file}; {@code preferences} are "name:value" settings (each
   * passed with -o). Requires tshark (fails under CI=true without it).
   */
  public static String fields(Path file, List<String> preferences, String... fields)
      throws Exception {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString()));
    for (String preference : preferences) {
      command.add("-o");
      command.add(preference);
    }
    command.addAll(List.of("-T", "fields", "-E", "separator=|"));
    for (String field : fields) {
      command.add("-e");
      command.add(field);
    }
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
