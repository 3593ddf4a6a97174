package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.ipsec.SamPairStore.StoredPair;
import java.util.ArrayList;
import java.util.List;

/**
 * One manager's pairs in the appliance's store service ({@link SamPairStore}): they outlive an
 * update or restart of the manager, and with a persistent store one of the appliance.
 */
public final class ServiceSaPairStore implements SaPairStore {

  private final SamPairStore store;
  private final String manager;

  /** {@code manager}: the namespace of this manager's pairs, its tenant. */
  public ServiceSaPairStore(SamPairStore store, String manager) {
    this.store = store;
    this.manager = manager;
  }

  @Override
  public void put(SecurityAssociationPair pair) {
    store.put(
        manager,
        new StoredPair(
            pair.first(),
            pair.second(),
            pair.firstToSecond(),
            pair.secondToFirst(),
            pair.createdAtUnixMillis(),
            pair.expiresAtUnixMillis()));
  }

  @Override
  public void remove(SecurityAssociationPair pair) {
    store.remove(manager, pair.first(), pair.second());
  }

  @Override
  public List<SecurityAssociationPair> pairs() {
    List<SecurityAssociationPair> pairs = new ArrayList<>();
    for (StoredPair p : store.pairs(manager)) {
      pairs.add(
          new SecurityAssociationPair(
              p.first(),
              p.second(),
              p.firstToSecond(),
              p.secondToFirst(),
              p.createdAtUnixMillis(),
              p.expiresAtUnixMillis()));
    }
    return pairs;
  }
}
