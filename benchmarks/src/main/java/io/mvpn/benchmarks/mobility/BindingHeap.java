package io.mvpn.benchmarks.mobility;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.store.InMemoryBindingStore;

/**
 * Heap per binding: fills the in-memory binding store with 1,000,000 bindings (1,000 tenants, 1,000
 * mobile nodes each, with their replay state) and reports the heap it grew by, against the same
 * JVM's heap before. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.mvpn.benchmarks.mobility.BindingHeap}.
 */
public final class BindingHeap {

  public static void main(String[] args) {
    int tenants = 1000;
    int perTenant = 1000;
    long before = usedHeap();
    InMemoryBindingStore store = new InMemoryBindingStore();
    for (int t = 0; t < tenants; t++) {
      MvpnId tenant = MvpnId.of("tenant" + t);
      Ipv4Address ha = Ipv4Address.of(0xC6336400 + (t & 0xFF));
      for (int m = 0; m < perTenant; m++) {
        Ipv4Address home = Ipv4Address.of(0x0A010000 + m);
        Ipv4Address coa = Ipv4Address.of(0xCB007100 + (m & 0xFF));
        store.put(
            new Binding(
                tenant,
                home,
                coa,
                ha,
                0x22,
                600,
                0,
                600_000_000_000L,
                m,
                coa,
                434,
                Binding.Encapsulation.IP_IN_IP));
        store.setLastIdentification(tenant, home, m);
      }
    }
    long after = usedHeap();
    System.out.printf(
        "bindings: %d, heap grew by %.1f MB: %.0f bytes per binding (with replay state)%n",
        store.size(), (after - before) / 1e6, (after - before) / (double) store.size());
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
