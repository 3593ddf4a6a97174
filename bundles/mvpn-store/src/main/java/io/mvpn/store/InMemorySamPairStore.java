package io.mvpn.store;

import io.mvpn.api.ipsec.SamPairStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SA managers' pairs in memory: they outlive an update of a manager, not of this bundle. */
public final class InMemorySamPairStore implements SamPairStore {

  private final Map<String, Map<String, StoredPair>> byManager = new HashMap<>();

  @Override
  public synchronized void put(String manager, StoredPair pair) {
    byManager
        .computeIfAbsent(manager, m -> new LinkedHashMap<>())
        .put(StateCodec.key(pair.first(), pair.second()), pair);
  }

  @Override
  public synchronized void remove(String manager, String first, String second) {
    Map<String, StoredPair> pairs = byManager.get(manager);
    if (pairs != null) {
      pairs.remove(StateCodec.key(first, second));
    }
  }

  @Override
  public synchronized List<StoredPair> pairs(String manager) {
    Map<String, StoredPair> pairs = byManager.get(manager);
    return pairs == null ? List.of() : new ArrayList<>(pairs.values());
  }
}
