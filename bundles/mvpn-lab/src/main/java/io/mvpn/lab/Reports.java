package io.mvpn.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where scenario runs leave their figures: {@code target/<name>.txt}, appended to. */
public final class Reports {

  private Reports() {}

  public static void append(String name, String format, Object... args) {
    try {
      Path file = Path.of("target", name + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, String.format(format, args), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
