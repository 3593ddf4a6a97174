package io.mvpn.net.route;

import io.mvpn.api.Prefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A longest-prefix-match table built for lookups: a multibit trie with strides 16, 8 and 8, so a
 * lookup is at most three array reads plus two fallbacks, and no allocation.
 *
 * <p>Each level holds only the prefixes of its own stride: a /16 slot the best prefix of length 0
 * to 16 covering it, a /24 slot of a child table the best of length 17 to 24, a /32 slot the best
 * of 25 to 32. A lookup takes the deepest non-empty answer on its path. A change therefore touches
 * only the slots of its own level within its range, and consults the exact prefixes (kept beside
 * the trie, by length) only for slots whose best route was the one removed.
 *
 * <p>Encoding: 0 is no route, a positive value a route id + 1, a negative value a child table
 * (-(index + 1)). Single writer: call the mutators from one thread (the VRF's); lookups must not
 * run concurrently with changes.
 */
public final class RoutingTable<R> {

  private static final int ROOT_BITS = 16;
  private static final int CHILD_SIZE = 256;

  /** The routes by exact prefix, ordered; the source of truth. */
  private final TreeMap<Prefix, R> routes = new TreeMap<>();

  /** Route id of each prefix, by prefix length and network. */
  @SuppressWarnings("unchecked")
  private final Map<Integer, Integer>[] idsByLength = new Map[33];

  private final List<R> values = new ArrayList<>();
  private final List<Integer> freeIds = new ArrayList<>();
  private int[] lengthOfId = new int[64];

  /** Per /16: a child table pointer, or the same value as {@link #rootBest}. */
  private final int[] root = new int[1 << ROOT_BITS];

  /** Per /16: the best route of length 0 to 16. */
  private final int[] rootBest = new int[1 << ROOT_BITS];

  /** /24 slots: the best route of length 17 to 24, or a grandchild pointer. */
  private final Level level1 = new Level();

  /** The best route of length 17 to 24 of the /24 slots that point at a grandchild (rare). */
  private final Map<Integer, Integer> grandchildBest = new HashMap<>();

  /** /32 slots: the best route of length 25 to 32. */
  private final Level level2 = new Level();

  /** Prefixes longer than /16 inside each /16, and longer than /24 inside each /24. */
  private final int[] longerThan16 = new int[1 << ROOT_BITS];

  private final Map<Integer, Integer> longerThan24 = new HashMap<>();

  public RoutingTable() {
    for (int i = 0; i <= 32; i++) {
      idsByLength[i] = new HashMap<>();
    }
  }

  /** The route for the longest prefix containing {@code address}; null if none does. */
  public R lookup(int address) {
    int slot = address >>> 16;
    int e = root[slot];
    if (e >= 0) {
      return e == 0 ? null : values.get(e - 1);
    }
    int i1 = ((-e - 1) << 8) | ((address >>> 8) & 0xFF);
    int e1 = level1.slots[i1];
    if (e1 < 0) {
      int e2 = level2.slots[((-e1 - 1) << 8) | (address & 0xFF)];
      if (e2 != 0) {
        return values.get(e2 - 1);
      }
      e1 = grandchildBest.getOrDefault(i1, 0);
    }
    if (e1 == 0) {
      e1 = rootBest[slot];
    }
    return e1 == 0 ? null : values.get(e1 - 1);
  }

  /** The longest prefix containing {@code address}; null if none does. */
  public Prefix lookupPrefix(int address) {
    for (int len = 32; len >= 0; len--) {
      int network = address & Prefix.mask(len);
      if (idsByLength[len].containsKey(network)) {
        return Prefix.of(network, len);
      }
    }
    return null;
  }

  /** Adds or replaces the route for a prefix; returns the route it replaced, or null. */
  public R put(Prefix prefix, R route) {
    if (route == null) {
      throw new IllegalArgumentException("null route for " + prefix);
    }
    R previous = routes.put(prefix, route);
    Integer id = idsByLength[prefix.length()].get(prefix.networkInt());
    if (id != null) {
      values.set(id, route);
      return previous;
    }
    id = freeIds.isEmpty() ? values.size() : freeIds.remove(freeIds.size() - 1);
    if (id == values.size()) {
      values.add(route);
    } else {
      values.set(id, route);
    }
    idsByLength[prefix.length()].put(prefix.networkInt(), id);
    if (id >= lengthOfId.length) {
      lengthOfId = Arrays.copyOf(lengthOfId, lengthOfId.length * 2);
    }
    lengthOfId[id] = prefix.length();
    countLonger(prefix, +1);
    update(prefix, id + 1, true);
    return null;
  }

  /** Removes the route for exactly this prefix; returns it, or null if there was none. */
  public R remove(Prefix prefix) {
    R previous = routes.remove(prefix);
    if (previous == null) {
      return null;
    }
    Integer id = idsByLength[prefix.length()].remove(prefix.networkInt());
    values.set(id, null);
    freeIds.add(id);
    countLonger(prefix, -1);
    update(prefix, id + 1, false);
    return previous;
  }

  /** The route for exactly this prefix, or null. */
  public R get(Prefix prefix) {
    return routes.get(prefix);
  }

  public int size() {
    return routes.size();
  }

  public void clear() {
    for (Prefix p : List.copyOf(routes.keySet())) {
      remove(p);
    }
  }

  /** Every route, ordered by prefix (a copy). */
  public List<Map.Entry<Prefix, R>> entries() {
    return routes.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
  }

  public void forEach(BiConsumer<Prefix, R> action) {
    routes.forEach(action);
  }

  /** Bytes held by the trie's arrays (for sizing; excludes the routes themselves). */
  public long trieBytes() {
    return 4L
        * (root.length
            + rootBest.length
            + longerThan16.length
            + level1.slots.length
            + level2.slots.length);
  }

  private void countLonger(Prefix prefix, int delta) {
    if (prefix.length() > 16) {
      longerThan16[prefix.networkInt() >>> 16] += delta;
    }
    if (prefix.length() > 24) {
      longerThan24.merge(prefix.networkInt() >>> 8, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  // ---- trie maintenance ----------------------------------------------------------------------

  private void update(Prefix prefix, int value, boolean added) {
    int network = prefix.networkInt();
    int length = prefix.length();
    if (length <= 16) {
      int first = network >>> 16;
      int count = 1 << (16 - length);
      for (int s = first; s < first + count; s++) {
        rootBest[s] = updated(rootBest[s], s << 16, 0, 16, value, length, added);
        if (root[s] >= 0) {
          root[s] = rootBest[s];
        }
      }
      return;
    }
    int slot = network >>> 16;
    int child = childOf(slot);
    if (length <= 24) {
      int first = (network >>> 8) & 0xFF;
      int count = 1 << (24 - length);
      for (int i = first; i < first + count; i++) {
        int index = (child << 8) | i;
        int address = (slot << 16) | (i << 8);
        if (level1.slots[index] >= 0) {
          level1.slots[index] = updated(level1.slots[index], address, 17, 24, value, length, added);
        } else {
          int best =
              updated(grandchildBest.getOrDefault(index, 0), address, 17, 24, value, length, added);
          if (best == 0) {
            grandchildBest.remove(index);
          } else {
            grandchildBest.put(index, best);
          }
        }
      }
    } else {
      int index = (child << 8) | ((network >>> 8) & 0xFF);
      int grandchild = grandchildOf(index);
      int first = network & 0xFF;
      int count = 1 << (32 - length);
      for (int i = first; i < first + count; i++) {
        int at = (grandchild << 8) | i;
        int address = (network & 0xFFFFFF00) | i;
        level2.slots[at] = updated(level2.slots[at], address, 25, 32, value, length, added);
      }
      if (!added && !longerThan24.containsKey(network >>> 8)) {
        level2.release(grandchild);
        Integer best = grandchildBest.remove(index);
        level1.slots[index] = best == null ? 0 : best;
      }
    }
    if (!added && longerThan16[slot] == 0) {
      level1.release(child);
      root[slot] = rootBest[slot];
    }
  }

  /** The slot's child table, made (empty) if it has none yet. */
  private int childOf(int slot) {
    if (root[slot] < 0) {
      return -root[slot] - 1;
    }
    int child = level1.allocate();
    root[slot] = -(child + 1);
    return child;
  }

  private int grandchildOf(int index) {
    if (level1.slots[index] < 0) {
      return -level1.slots[index] - 1;
    }
    int grandchild = level2.allocate();
    if (level1.slots[index] != 0) {
      grandchildBest.put(index, level1.slots[index]);
    }
    level1.slots[index] = -(grandchild + 1);
    return grandchild;
  }

  /**
   * A slot's best value after a change: an added route wins where it is longer than the current
   * best; where the removed route was the best, the next one is looked up among the lengths this
   * level holds.
   */
  private int updated(
      int current,
      int address,
      int minLength,
      int maxLength,
      int value,
      int length,
      boolean added) {
    if (added) {
      return current == 0 || lengthOfId[current - 1] < length ? value : current;
    }
    if (current != value) {
      return current;
    }
    for (int len = maxLength; len >= minLength; len--) {
      Integer id = idsByLength[len].get(address & Prefix.mask(len));
      if (id != null) {
        return id + 1;
      }
    }
    return 0;
  }

  /** One level's child tables: 256-slot blocks in one growing array, with a free list. */
  private static final class Level {
    int[] slots = new int[CHILD_SIZE * 16];
    int used;
    final List<Integer> free = new ArrayList<>();

    int allocate() {
      if (!free.isEmpty()) {
        return free.remove(free.size() - 1);
      }
      if ((used + 1) * CHILD_SIZE > slots.length) {
        // Grow by half: a full table's level 1 is tens of MB, doubling would waste as much.
        slots = Arrays.copyOf(slots, slots.length + Math.max(CHILD_SIZE, slots.length / 2));
      }
      return used++;
    }

    void release(int table) {
      Arrays.fill(slots, table << 8, (table + 1) << 8, 0);
      free.add(table);
    }
  }
}
