package io.mvpn.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard's history entries as the {@link io.mvpn.api.history.HistoryStore} keeps them: one
 * JSON object each, the very records the API answers with. An entry an older or newer version wrote
 * in another shape is skipped, not fatal: a history is for looking back, never for deciding.
 */
final class Journal {

  private Journal() {}

  static String write(ObjectMapper json, Object entry) {
    try {
      return json.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + entry + " as JSON", e);
    }
  }

  /** The entry, or null when it is not one of {@code type}. */
  static <T> T read(ObjectMapper json, String entry, Class<T> type) {
    try {
      return json.readValue(entry, type);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
