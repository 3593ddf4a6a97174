package io.mvpn.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The items of a list-valued setting. Config Admin hands a function either one string per item (an
 * array property, {@code config:property-append}) or one string holding them all ({@code key = a,
 * b} in an etc/ file): each value is split at commas, items are trimmed, and blank ones are left
 * out, so both spellings and a trailing comma mean the same list. An item may hold spaces (a key
 * line such as {@code 10.1.0.5 1000 hmac-md5 KEY}).
 */
public final class ConfigList {

  private ConfigList() {}

  /** The items of every value, in order. */
  public static List<String> items(String... values) {
    List<String> items = new ArrayList<>();
    if (values == null) {
      return items;
    }
    for (String value : values) {
      if (value == null) {
        continue;
      }
      for (String item : value.split(",")) {
        String trimmed = item.strip();
        if (!trimmed.isEmpty()) {
          items.add(trimmed);
        }
      }
    }
    return items;
  }

  /** The items, each of which may itself be several words: every word on its own. */
  public static List<String> words(String... values) {
    List<String> words = new ArrayList<>();
    for (String item : items(values)) {
      for (String word : item.split("\\s+")) {
        words.add(word);
      }
    }
    return words;
  }
}
