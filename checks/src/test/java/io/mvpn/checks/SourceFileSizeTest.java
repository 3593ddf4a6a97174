package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps each main source file small enough for a newcomer to read: a file that grows past the limit
 * holds more than one job and should be split by job, as the AODV and IKE engines are.
 */
class SourceFileSizeTest {

  static final int MAX_LINES = 600;

  /** Files over the limit that are known and being split; each one leaves this list when it is. */
  static final Map<String, Integer> BEING_SPLIT = Map.of();

  @Test
  void noMainSourceFileIsLongerThanSixHundredLines() throws IOException {
    Map<String, Integer> over = new TreeMap<>();
    for (Path module : SourceTree.sourceModules()) {
      Path main = module.resolve("src/main");
      if (!Files.isDirectory(main)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(main)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          int lines;
          try (Stream<String> l = Files.lines(f)) {
            lines = (int) l.count();
          }
          if (lines > MAX_LINES) {
            over.put(SourceTree.root().relativize(f).toString(), lines);
          }
        }
      }
    }
    assertThat(over.keySet())
        .as("main source files over %d lines (split them by job)", MAX_LINES)
        .containsExactlyInAnyOrderElementsOf(BEING_SPLIT.keySet());
    BEING_SPLIT.forEach(
        (file, known) ->
            assertThat(over.get(file))
                .as("%s may shrink but must not grow", file)
                .isLessThanOrEqualTo(known));
  }
}
