package io.mvpn.api.keys;

import io.mvpn.api.config.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The keys one activation of a function reads from its configuration. A key is written either as
 * {@code keystore:ALIAS}, looked up in the {@link KeyService} now, or as inline hex, which still
 * works but is noted so the function can tell the operator, in one line, to move it into the
 * keystore. Either way the parsers get hex, so they read both spellings alike. A lookup that fails
 * is an {@link InvalidConfigurationException} naming the field.
 */
public final class ConfiguredKeys {

  /** How a configuration names a key in the keystore: {@code keystore:ALIAS}. */
  public static final String PREFIX = "keystore:";

  private final KeyService keys;
  private final Set<String> inlineFields = new TreeSet<>();
  private final Map<String, String> referenceOfHex = new HashMap<>();

  /**
   * @param keys the key service, or null when none runs (then any keystore reference is refused)
   */
  public ConfiguredKeys(KeyService keys) {
    this.keys = keys;
  }

  /** Whether a configured value names a key in the keystore rather than holding one. */
  public static boolean isReference(String text) {
    return text.startsWith(PREFIX);
  }

  /** One configured key as hex: a keystore reference looked up, inline hex as it is. */
  public String hex(String field, String text) {
    if (!isReference(text)) {
      inlineFields.add(field);
      return text;
    }
    String alias = text.substring(PREFIX.length());
    if (alias.isEmpty()) {
      throw new InvalidConfigurationException(field, "'" + PREFIX + "' needs an alias after it");
    }
    if (keys == null) {
      throw new InvalidConfigurationException(field, text + ": no key service is running");
    }
    String hex;
    try {
      hex = HexFormat.of().formatHex(keys.key(alias).getEncoded());
    } catch (KeystoreException e) {
      throw new InvalidConfigurationException(field, e.getMessage());
    }
    referenceOfHex.put(hex, text);
    return hex;
  }

  /**
   * Reads one field as {@link InvalidConfigurationException#read} does, but a parser's reason that
   * quotes the line it refused gets each keystore key it holds back as {@code keystore:ALIAS}: a
   * refusal line must not put a stored key into the log.
   */
  public <T> T read(String field, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (IllegalArgumentException e) {
      String reason =
          e instanceof InvalidConfigurationException refused
              ? refused.reason()
              : String.valueOf(e.getMessage());
      for (Map.Entry<String, String> key : referenceOfHex.entrySet()) {
        reason = reason.replace(key.getKey(), key.getValue());
      }
      throw new InvalidConfigurationException(
          e instanceof InvalidConfigurationException refused ? refused.field() : field, reason);
    }
  }

  /**
   * Items whose last word is a key, such as {@code ADDRESS SPI ALGORITHM KEY}: that word as hex. An
   * item of one word is left for its parser to refuse.
   */
  public List<String> lastWords(String field, List<String> items) {
    List<String> resolved = new ArrayList<>(items.size());
    for (String item : items) {
      String trimmed = item.strip();
      int space = Math.max(trimmed.lastIndexOf(' '), trimmed.lastIndexOf('\t'));
      resolved.add(
          space < 0
              ? trimmed
              : trimmed.substring(0, space + 1) + hex(field, trimmed.substring(space + 1)));
    }
    return resolved;
  }

  /** Items with {@code NAME=KEY} words among others (such as {@code psk=}): those keys as hex. */
  public List<String> namedWords(String field, String name, List<String> items) {
    String prefix = name + "=";
    List<String> resolved = new ArrayList<>(items.size());
    for (String item : items) {
      StringBuilder line = new StringBuilder();
      for (String word : item.strip().split("\\s+")) {
        line.append(line.isEmpty() ? "" : " ");
        line.append(
            word.startsWith(prefix) ? prefix + hex(field, word.substring(prefix.length())) : word);
      }
      resolved.add(line.toString());
    }
    return resolved;
  }

  /** Logs {@link #inlineWarning} through the component's WARN logger, when there is one. */
  public void warnInline(String pid, Consumer<String> warnLog) {
    String warning = inlineWarning(pid);
    if (warning != null) {
      warnLog.accept(warning);
    }
  }

  /**
   * The one line to log at WARN when keys were written inline, or null when every key came from the
   * keystore.
   */
  public String inlineWarning(String pid) {
    if (inlineFields.isEmpty()) {
      return null;
    }
    return "configuration "
        + pid
        + ": "
        + String.join(", ", inlineFields)
        + " holds keys written inline; store each with mvpn:keys add ALIAS --hex - and write "
        + PREFIX
        + "ALIAS in its place";
  }
}
