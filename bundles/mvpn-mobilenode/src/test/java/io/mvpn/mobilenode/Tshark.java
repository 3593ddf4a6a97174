package io.mvpn.mobilenode;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tshark over a capture file, for the capture tests of this module. */
public final class Tshark {

  static final Path TSHARK = Path.of("/usr/bin/tshark");

  private Tshark() {}

  /** Fails under CI, skips elsewhere, when tshark is not installed. */
  public static void required() {
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
  }

  /** The non-blank lines tshark prints for {@code pcap} with {@code args}; it must exit 0. */
  public static List<String> read(Path pcap, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
