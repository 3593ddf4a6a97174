package io.mvpn.api.history;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Named, bounded journals of text entries, oldest first: what happened, kept for an operator's look
 * back, never for a protocol's decisions. A writer appends and names the bound each time, so a
 * journal never grows past what its writer wants even when that changes between versions; the
 * oldest entries go first. The persistent store keeps the journals in the state file (an update or
 * restart of the writer, or of the store, keeps them); the in-memory one only across the writer's
 * updates. Implementations are thread-safe.
 */
public interface HistoryStore {

  /** What a journal's name may be: lower-case words joined by dots, dashes or slashes. */
  Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9./_-]{0,199}");

  /**
   * Appends an entry, then drops the oldest while more than {@code capacity} are held.
   *
   * @throws IllegalArgumentException for a name not of {@link #NAME}'s form, or a capacity below 1
   */
  void append(String journal, String entry, int capacity);

  /** The journal's entries, oldest first; empty for a journal never written or removed. */
  List<String> entries(String journal);

  /** The names of the journals that hold entries and start with {@code prefix}, sorted. */
  Set<String> journals(String prefix);

  /** Forgets a journal and its entries; false when there was none. */
  boolean remove(String journal);

  /** Refuses a name not of {@link #NAME}'s form, for implementations. */
  static String checkName(String journal) {
    if (journal == null || !NAME.matcher(journal).matches()) {
      throw new IllegalArgumentException(
          "a journal name is lower-case letters, digits and . / _ -, not '" + journal + "'");
    }
    return journal;
  }
}
