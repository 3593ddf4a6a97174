package io.mvpn.ike;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tshark over a capture for the tests that let Wireshark judge what the IKE code wrote. */
public final class Tshark {

  public static final Path PATH = Path.of("/usr/bin/tshark");

  private Tshark() {}

  public static boolean installed() {
    return Files.isExecutable(PATH);
  }

  /** tshark's non-blank output lines for {@code tshark -n -r pcap args...}; it must exit 0. */
  public static List<String> run(Path pcap, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PATH.toString(), "-n", "-r", pcap.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
