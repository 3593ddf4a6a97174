package io.mvpn.rest.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.Optional;

/**
 * The cfg files behind configurations the API writes. Karaf's file installer keeps an existing file
 * in step with its configuration (and deletes it with the configuration), but writes none for a
 * configuration made through Config Admin; Karaf's own config commands write the file and name it
 * in {@value #FILENAME}, and so does the API: a tenant added through it is a file in etc/ like any
 * other, still there after a restart.
 */
final class CfgFiles {

  /** The property by which Karaf's file installer ties a configuration to its file. */
  static final String FILENAME = "felix.fileinstall.filename";

  private final Path etc;

  /**
   * @param etc Karaf's etc/ folder; null outside Karaf (configurations only, no files)
   */
  CfgFiles(Path etc) {
    this.etc = etc;
  }

  /** Karaf's etc/ as the launcher names it, or null. */
  static CfgFiles ofKaraf() {
    String dir = System.getProperty("karaf.etc");
    return new CfgFiles(dir == null ? null : Path.of(dir));
  }

  /** Where the factory configuration's file goes: {@code etc/FACTORYPID-NAME.cfg}. */
  Optional<Path> file(String factoryPid, String name) {
    return etc == null
        ? Optional.empty()
        : Optional.of(etc.resolve(factoryPid + "-" + name + ".cfg"));
  }

  /** The value of {@value #FILENAME} for a file, written as the file installer writes it. */
  static String key(Path file) {
    return file.toFile().toURI().toString();
  }

  /** The file a configuration is tied to, if any. */
  static Optional<Path> file(Dictionary<String, Object> properties) {
    Object name = properties == null ? null : properties.get(FILENAME);
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(URI.create(String.valueOf(name))));
    } catch (IllegalArgumentException notAFileUri) {
      return Optional.empty();
    }
  }

  /** Writes {@code key = value} lines under a comment, escaped as a properties file reads them. */
  static void write(Path file, String comment, Map<String, Object> properties) throws IOException {
    StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
    properties.forEach(
        (key, value) ->
            text.append(key).append(" = ").append(escape(String.valueOf(value))).append('\n'));
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, text, StandardCharsets.UTF_8);
    Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (i == 0 && c == ' ') {
            out.append("\\ ");
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
