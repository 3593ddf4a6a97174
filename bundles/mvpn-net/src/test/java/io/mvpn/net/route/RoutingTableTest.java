package io.mvpn.net.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Prefix;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

  private final RoutingTable<String> table = new RoutingTable<>();

  private static int ip(String a) {
    return io.mvpn.api.Ipv4Address.parse(a).toInt();
  }

  @Test
  void longestPrefixWinsAndRemovalFallsBackToTheShorterOne() {
    table.put(Prefix.parse("0.0.0.0/0"), "default");
    table.put(Prefix.parse("10.0.0.0/8"), "ten");
    table.put(Prefix.parse("10.1.0.0/16"), "acme");
    table.put(Prefix.parse("10.1.2.0/24"), "lan");
    table.put(Prefix.parse("10.1.2.3/32"), "host");
    assertThat(table.lookup(ip("10.1.2.3"))).isEqualTo("host");
    assertThat(table.lookup(ip("10.1.2.4"))).isEqualTo("lan");
    assertThat(table.lookup(ip("10.1.3.4"))).isEqualTo("acme");
    assertThat(table.lookup(ip("10.2.0.1"))).isEqualTo("ten");
    assertThat(table.lookup(ip("203.0.113.1"))).isEqualTo("default");
    assertThat(table.lookupPrefix(ip("10.1.2.4"))).isEqualTo(Prefix.parse("10.1.2.0/24"));

    assertThat(table.remove(Prefix.parse("10.1.2.0/24"))).isEqualTo("lan");
    assertThat(table.lookup(ip("10.1.2.4"))).isEqualTo("acme");
    assertThat(table.lookup(ip("10.1.2.3"))).isEqualTo("host");
    assertThat(table.remove(Prefix.parse("10.1.2.3/32"))).isEqualTo("host");
    assertThat(table.lookup(ip("10.1.2.3"))).isEqualTo("acme");
    assertThat(table.remove(Prefix.parse("0.0.0.0/0"))).isEqualTo("default");
    assertThat(table.lookup(ip("203.0.113.1"))).isNull();
    assertThat(table.remove(Prefix.parse("0.0.0.0/0"))).isNull();
  }

  @Test
  void replacingARouteKeepsOneEntry() {
    assertThat(table.put(Prefix.parse("10.1.0.0/16"), "old")).isNull();
    assertThat(table.put(Prefix.parse("10.1.0.0/16"), "new")).isEqualTo("old");
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.lookup(ip("10.1.9.9"))).isEqualTo("new");
    assertThat(table.entries()).hasSize(1);
  }

  /** Against a naive scan: random prefixes added and removed, random lookups, fixed seed. */
  @Test
  void agreesWithALinearScanUnderRandomChanges() {
    SplittableRandom random = new SplittableRandom(42);
    Map<Prefix, String> reference = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      Prefix p = randomPrefix(random);
      if (random.nextInt(4) == 0 && !reference.isEmpty()) {
        Prefix victim = reference.keySet().iterator().next();
        assertThat(table.remove(victim)).isEqualTo(reference.remove(victim));
      } else {
        String route = "r" + step;
        assertThat(table.put(p, route)).isEqualTo(reference.put(p, route));
      }
    }
    assertThat(table.size()).isEqualTo(reference.size());
    for (int i = 0; i < 200_000; i++) {
      // Half the probes near existing prefixes, half anywhere.
      int address = random.nextInt();
      if (i % 2 == 0) {
        address = (address & 0x0000FFFF) | (0x0A000000 | (random.nextInt(4) << 16));
      }
      assertThat(table.lookup(address))
          .as("lookup %08x", address)
          .isEqualTo(scan(reference, address));
    }
    table.clear();
    assertThat(table.lookup(ip("10.0.0.1"))).isNull();
  }

  /** Mostly /16 to /24, a few shorter, some longer; half in 10.0.0.0/14 to force overlaps. */
  private static Prefix randomPrefix(SplittableRandom random) {
    int roll = random.nextInt(100);
    int length =
        roll < 70
            ? 16 + random.nextInt(9)
            : roll < 85 ? random.nextInt(16) : 25 + random.nextInt(8);
    int address =
        random.nextBoolean() ? 0x0A000000 | random.nextInt(1 << 18) << 6 : random.nextInt();
    return Prefix.of(address & Prefix.mask(length), length);
  }

  /** The reference answer: probe every length from /32 down, in a plain map of exact prefixes. */
  private static String scan(Map<Prefix, String> reference, int address) {
    for (int length = 32; length >= 0; length--) {
      String route = reference.get(Prefix.of(address & Prefix.mask(length), length));
      if (route != null) {
        return route;
      }
    }
    return null;
  }
}
