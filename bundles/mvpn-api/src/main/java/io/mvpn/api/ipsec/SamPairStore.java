package io.mvpn.api.ipsec;

import java.util.List;
import java.util.Objects;

/**
 * The SA pairs security association managers hand out (seed 000 c8, c16), kept apart from the
 * managers' code (blueprint principle 6): an update or a restart of a manager, or of the appliance,
 * hands nodes the pairs they already hold, with no key exchange. One namespace per manager (its
 * tenant), one pair per two nodes there. The values hold key material: a persistent store keeps it
 * readable by the appliance's user only.
 */
public interface SamPairStore {

  /**
   * One pair between two nodes: ESP from {@code first} to {@code second} and back, valid until
   * {@code expiresAtUnixMillis} (wall clock, so a stored pair keeps its lifetime while no manager
   * runs). {@code first} sorts before {@code second}.
   */
  record StoredPair(
      String first,
      String second,
      EspSaKeys firstToSecond,
      EspSaKeys secondToFirst,
      long createdAtUnixMillis,
      long expiresAtUnixMillis) {

    public StoredPair {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
      Objects.requireNonNull(firstToSecond, "firstToSecond");
      Objects.requireNonNull(secondToFirst, "secondToFirst");
      if (first.compareTo(second) >= 0) {
        throw new IllegalArgumentException("nodes out of order: " + first + ", " + second);
      }
    }
  }

  /** Stores a manager's pair, replacing the one it held between the same two nodes. */
  void put(String manager, StoredPair pair);

  /** Forgets a manager's pair between two nodes. */
  void remove(String manager, String first, String second);

  /** A manager's pairs, in no particular order; ones whose lifetime ran out may be left out. */
  List<StoredPair> pairs(String manager);
}
