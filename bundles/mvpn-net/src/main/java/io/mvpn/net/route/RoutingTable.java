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
 * A longest-prefix-match table built for lookups: a multibit trie with strides 16, 8 and 8 whose
 * slots hold the best route for their whole range (leaf pushing), so a lookup is at most three
 * array reads and no allocation.
 *
 * <p>Slot encoding: 0 is no route, a positive value is a route id + 1, a negative value points at a
 * child table (-(index + 1)). The exact prefixes live beside the trie, by length, and every change
 * recomputes only the slots the changed prefix covers from them.
 *
 * <p>Single writer: call the mutators from one thread (the VRF's). Not safe for lookups concurrent
 * with changes.
 */
public final class RoutingTable<R> {

  private static final int ROOT_BITS = 16;
  private static final int CHILD_SIZE = 256;

  /** The routes by exact prefix, ordered; the source of truth the trie is computed from. */
  private final TreeMap<Prefix, R> routes = new TreeMap<>();

  /** Route id of each prefix, by prefix length and network. */
  @SuppressWarnings("unchecked")
  private final Map<Integer, Integer>[] idsByLength = new Map[33];

  private final List<R> values = new ArrayList<>();
  private final List<Integer> freeIds = new ArrayList<>();

  private final int[] root = new int[1 << ROOT_BITS];
  private final Level level1 = new Level();
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
    int e = root[address >>> 16];
    if (e < 0) {
      e = level1.slots[((-e - 1) << 8) | ((address >>> 8) & 0xFF)];
      if (e < 0) {
        e = level2.slots[((-e - 1) << 8) | (address & 0xFF)];
      }
    }
    return e == 0 ? null : values.get(e - 1);
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
    countLonger(prefix, +1);
    refresh(prefix);
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
    refresh(prefix);
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
    return 4L * (root.length + level1.slots.length + level2.slots.length + longerThan16.length);
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

  /** Recomputes every slot that intersects the prefix's range. */
  private void refresh(Prefix prefix) {
    long lo = prefix.networkInt() & 0xFFFFFFFFL;
    long hi = lo + (1L << (32 - prefix.length())) - 1;
    for (long s = lo >>> 16; s <= hi >>> 16; s++) {
      root[(int) s] = slotValue(0, root[(int) s], (int) (s << 16), lo, hi);
    }
  }

  /**
   * The new value of one slot at {@code level} (0: /16 slots, 1: /24, 2: /32) whose range starts at
   * {@code slotAddress}, given its current value; only child slots within [lo, hi] change.
   */
  private int slotValue(int level, int current, int slotAddress, long lo, long hi) {
    int depth = 16 + 8 * level;
    boolean needsChild =
        level == 0
            ? longerThan16[slotAddress >>> 16] > 0
            : level == 1 && longerThan24.containsKey(slotAddress >>> 8);
    if (!needsChild) {
      if (current < 0) {
        free(level + 1, -current - 1);
      }
      return best(slotAddress, depth);
    }
    Level children = level == 0 ? level1 : level2;
    int child;
    if (current < 0) {
      child = -current - 1;
    } else {
      // A slot without a child held no longer prefix, so outside the changed range every new
      // child slot inherits the slot's own best route.
      child = children.allocate();
      Arrays.fill(children.slots, child << 8, (child + 1) << 8, current);
    }
    int span = 1 << (32 - depth - 8);
    long base = slotAddress & 0xFFFFFFFFL;
    for (int i = 0; i < CHILD_SIZE; i++) {
      long start = base + (long) i * span;
      long end = start + span - 1;
      if (end < lo || start > hi) {
        continue;
      }
      int index = (child << 8) | i;
      children.slots[index] = slotValue(level + 1, children.slots[index], (int) start, lo, hi);
    }
    return -(child + 1);
  }

  private void free(int level, int table) {
    Level l = level == 1 ? level1 : level2;
    if (level == 1) {
      // Free the grandchildren first.
      for (int i = 0; i < CHILD_SIZE; i++) {
        int v = l.slots[(table << 8) | i];
        if (v < 0) {
          level2.release(-v - 1);
        }
      }
    }
    l.release(table);
  }

  /** The id + 1 of the longest prefix of at most {@code maxLength} bits containing the address. */
  private int best(int address, int maxLength) {
    for (int len = maxLength; len >= 0; len--) {
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
        slots = Arrays.copyOf(slots, slots.length * 2);
      }
      return used++;
    }

    void release(int table) {
      Arrays.fill(slots, table << 8, (table + 1) << 8, 0);
      free.add(table);
    }
  }
}
