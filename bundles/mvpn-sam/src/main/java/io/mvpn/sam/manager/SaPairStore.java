package io.mvpn.sam.manager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a manager keeps its SA pairs apart from its code (blueprint principle 6): a restart or an
 * update of the manager hands out the same pairs, so nodes keep their SAs without a key exchange.
 * One pair per two nodes; the value holds key material.
 */
public interface SaPairStore {

  /** Stores a pair, replacing the one between the same two nodes. */
  void put(SecurityAssociationPair pair);

  /** Forgets the pair between two nodes. */
  void remove(SecurityAssociationPair pair);

  /** The pairs held, in no particular order. */
  List<SecurityAssociationPair> pairs();

  /** A store that lives as long as the manager: for tests and for a manager meant to forget. */
  static SaPairStore inMemory() {
    Map<String, SecurityAssociationPair> held = new LinkedHashMap<>();
    return new SaPairStore() {
      @Override
      public void put(SecurityAssociationPair pair) {
        held.put(pair.first() + "\u0000" + pair.second(), pair);
      }

      @Override
      public void remove(SecurityAssociationPair pair) {
        held.remove(pair.first() + "\u0000" + pair.second());
      }

      @Override
      public List<SecurityAssociationPair> pairs() {
        return new ArrayList<>(held.values());
      }
    };
  }
}
