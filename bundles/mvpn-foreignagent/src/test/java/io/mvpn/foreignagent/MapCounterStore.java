package io.mvpn.foreignagent;

import io.mvpn.api.mobility.CounterStore;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The counter store's contract, in a map. */
public final class MapCounterStore implements CounterStore {
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  @Override
  public Counter counter(String scope, String name) {
    return counters.computeIfAbsent(scope + " " + name, k -> Counter.standalone());
  }

  @Override
  public SortedMap<String, Long> snapshot(String scope) {
    SortedMap<String, Long> out = new TreeMap<>();
    counters.forEach(
        (key, c) -> {
          if (key.startsWith(scope + " ")) {
            out.put(key.substring(scope.length() + 1), c.get());
          }
        });
    return out;
  }

  @Override
  public void reset(String scope) {
    throw new UnsupportedOperationException();
  }
}
