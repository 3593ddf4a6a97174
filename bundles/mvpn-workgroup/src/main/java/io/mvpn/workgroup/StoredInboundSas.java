package io.mvpn.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.time.Scheduler;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.ipsec.esp.Lifetime;
import io.mvpn.ipsec.esp.SequenceBlocks;
import io.mvpn.workgroup.WorkgroupGateway.InboundSa;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workgroup gateway's inbound SAs in a {@link WorkgroupSaStore}: writes through each SA the key
 * exchange installs and removes, reserves sequence numbers a block ahead of what the SA accepted,
 * and rebuilds the SAs when a new instance of the gateway starts, so the parties' ESP flows on
 * through an update of the workgroup bundle or a restart without a new key exchange.
 *
 * <p>The blocks are {@link SequenceBlocks}; the data path never waits for the store. A restored SA
 * refuses everything at or below its reservation as a replay (RFC 4303 §3.4.3): after an orderly
 * stop ({@link #release}) that is exactly what its previous instance accepted or passed; after a
 * crash up to a block of the party's next packets as well.
 *
 * <p>Runs on the gateway's thread, as the engine that calls it.
 */
public final class StoredInboundSas {

  private static final Logger LOG = LoggerFactory.getLogger(StoredInboundSas.class);

  /** Packets per reservation unless configured otherwise. */
  public static final int DEFAULT_INTERVAL = 1024;

  private final WorkgroupSaStore store;
  private final String gateway;
  private final LongSupplier unixNanos;
  private final SequenceBlocks<Ipv4Address> blocks; // by tunnel source
  private final List<Scheduler.Timer> expiries = new ArrayList<>();
  private boolean released;

  /**
   * @param gateway the gateway's name, under which the store keeps its SAs
   * @param unixNanos the wall clock, for lifetimes that run on while no gateway does
   * @param interval packets per reservation, at least 2
   */
  public StoredInboundSas(
      WorkgroupSaStore store, String gateway, LongSupplier unixNanos, int interval) {
    this.store = Objects.requireNonNull(store, "store");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.unixNanos = Objects.requireNonNull(unixNanos, "unixNanos");
    this.blocks =
        new SequenceBlocks<>(
            interval, (source, sa, upTo) -> store.reserve(gateway, source, sa.spi(), upTo));
  }

  /**
   * Rebuilds the gateway's stored SAs into {@code engine}, each refusing what its reservation
   * covers. SAs whose lifetime ran out meanwhile, and those {@code admissible} no longer admits
   * (the party left the directory, or moved behind another gateway), are dropped from the store; a
   * restored SA with a hard lifetime leaves the engine when it ends. Call in the task that starts
   * the engine, before it takes traffic.
   *
   * @return the SAs restored
   */
  public int restore(
      WorkgroupGateway engine, Scheduler scheduler, Predicate<StoredWorkgroupSa> admissible) {
    long now = unixNanos.getAsLong();
    int restored = 0;
    for (StoredWorkgroupSa s : store.sas(gateway)) {
      if (s.expiresAtUnixNanos() <= now || !admissible.test(s)) {
        store.remove(gateway, s.tunnelSource(), s.spi());
        LOG.info(
            "{}: SA {} of {} via {} expired or no longer admitted, not restored",
            gateway,
            Integer.toHexString(s.spi()),
            s.party(),
            s.tunnelSource());
        continue;
      }
      EspSecurityAssociation sa =
          EspSuite.sa(
              s.keys(),
              EspSecurityAssociation.Direction.INBOUND,
              s.party().privateAddress(),
              engine.publicAddress(),
              s.replayWindow());
      SaLifetime left = s.lifetime().remainingAfter(now - s.installedAtUnixNanos());
      if (!left.equals(SaLifetime.UNLIMITED)) {
        sa.setLifetime(Lifetime.of(left), scheduler::nanoTime, x -> {});
      }
      long hardNanos = left.hardExpiry(0);
      if (hardNanos != Long.MAX_VALUE) {
        Ipv4Address source = s.tunnelSource();
        expiries.add(
            scheduler.schedule(
                hardNanos, TimeUnit.NANOSECONDS, () -> engine.expireInboundSa(source, sa)));
      }
      blocks.resume(s.tunnelSource(), sa, store.reserved(gateway, s.tunnelSource(), s.spi()));
      engine.restoreInboundSa(new InboundSa(s.tunnelSource(), s.party(), sa));
      restored++;
    }
    // Nothing is accepted above the old reservations before the new ones are in the store.
    store.flush();
    return restored;
  }

  /**
   * The gateway stops in order, its engine stopped: each SA's reservation comes down to what it
   * accepted, so the next instance refuses exactly what this one may have let in. Nothing is
   * written through afterwards.
   */
  public void release() {
    released = true;
    expiries.forEach(Scheduler.Timer::cancel);
    expiries.clear();
    blocks.releaseAll((source, sa) -> store.release(gateway, source, sa.spi(), sa.sequence()));
    store.flush();
  }

  /** A key exchange installed the SA: its first block reserved, then the SA stored with it. */
  void saved(InboundSa s) {
    if (released) {
      return;
    }
    EspSecurityAssociation sa = s.sa();
    // An SA it replaces under the same key must not release its numbers over the new SA's.
    blocks.forget((source, other) -> other.spi() == sa.spi() && source.equals(s.tunnelSource()));
    blocks.start(s.tunnelSource(), sa);
    store.put(
        gateway,
        new StoredWorkgroupSa(
            s.tunnelSource(),
            s.party(),
            EspSuite.keys(sa),
            sa.replayWindow(),
            sa.lifetime().toSaLifetime(),
            unixNanos.getAsLong()));
  }

  /** The SA is gone from the gateway: from the store too, with its reservation. */
  void removed(Ipv4Address tunnelSource, int spi) {
    if (released) {
      return;
    }
    blocks.forget((source, sa) -> sa.spi() == spi && source.equals(tunnelSource));
    store.remove(gateway, tunnelSource, spi);
  }

  /** The SA has just accepted a packet as authentic. Called per packet. */
  void used(EspSecurityAssociation sa) {
    blocks.used(sa);
  }
}
