package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.ipsec.StoredEspTunnel;
import io.mvpn.api.ipsec.StoredEspTunnel.RetiringInbound;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SequenceBlocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway's tunnels in an {@link EspSaStore}: writes through every install, re-key, re-pointing
 * and removal, reserves sequence numbers a block ahead of use, and rebuilds the tunnels when a new
 * instance of the gateway starts.
 *
 * <p>A block is {@code interval} packets. A new SA's first block is reserved before it is stored,
 * in the same write; the next one is asked for once half of the current block is used, so the
 * store's background write has half a block of packets' time to land before a number outside what
 * it holds is sent. The data path thus asks for one write per {@code interval} packets and never
 * waits for it. A restored SA continues above its reservation: an outbound one never repeats a
 * number, an inbound one refuses everything its previous instance may have accepted. A gateway that
 * stops in order {@linkplain #release releases} the unused rest of each block first; after a crash
 * it is skipped (outbound harmlessly; inbound, up to a block of the node's next packets are refused
 * as replays).
 *
 * <p>Runs on the gateway's thread, as the engine that calls it.
 */
public final class GatewaySaStore {

  private static final Logger LOG = LoggerFactory.getLogger(GatewaySaStore.class);

  /** Packets per reservation unless configured otherwise. */
  public static final int DEFAULT_INTERVAL = 1024;

  /** Whose SA it is, as the store files its reservation. */
  private record Owner(Ipv4Address home, Direction direction) {}

  private final EspSaStore store;
  private final String gateway;
  private final LongSupplier unixNanos;
  private final Map<Integer, StoredEspTunnel> stored = new HashMap<>();
  private final SequenceBlocks<Owner> blocks;
  private final int interval;
  private long usedAhead; // numbers an SA may have used beyond what the gateway's thread sees
  private ReaderEsp readers; // null: nothing opens beside the gateway's thread but its owners

  /**
   * @param unixNanos the wall clock, for lifetimes that run on while no gateway does
   * @param interval packets per reservation, at least 2
   */
  public GatewaySaStore(EspSaStore store, String gateway, LongSupplier unixNanos, int interval) {
    this.store = Objects.requireNonNull(store, "store");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.unixNanos = Objects.requireNonNull(unixNanos, "unixNanos");
    this.interval = interval;
    this.blocks =
        new SequenceBlocks<>(
            interval,
            (o, sa, upTo) -> store.reserve(gateway, o.home(), o.direction(), sa.spi(), upTo));
  }

  /** Packets per reservation. */
  int interval() {
    return interval;
  }

  /**
   * Rebuilds the tunnels stored for the gateway into {@code engine}, each SA above its reservation;
   * tunnels (and re-keyed inbound SAs) whose lifetime ran out meanwhile are dropped from the store.
   * Call before the engine takes traffic.
   *
   * @return the tunnels restored
   */
  public int restore(SecurityGateway engine, Scheduler scheduler) {
    Ipv4Address self = engine.config().publicAddress();
    long now = unixNanos.getAsLong();
    int restored = 0;
    for (StoredEspTunnel s : store.tunnels(gateway)) {
      if (s.expiresAtUnixNanos() <= now) {
        store.remove(gateway, s.homeAddress());
        LOG.info("{}: tunnel of {} expired while down, not restored", gateway, s.homeAddress());
        continue;
      }
      EspTunnel t = s.tunnel();
      EspTunnel remaining =
          new EspTunnel(
              t.homeAddress(),
              t.inbound(),
              t.outbound(),
              t.peer(),
              t.peerUdpPort(),
              t.localUdpPort(),
              t.replayWindow(),
              t.lifetime().remainingAfter(now - s.installedAtUnixNanos()));
      MobileTunnel tunnel = MobileTunnels.build(remaining, self, scheduler, gateway);
      List<RetiringInbound> live = new ArrayList<>();
      List<EspSecurityAssociation> retiring = new ArrayList<>();
      for (RetiringInbound r : s.retiring()) {
        if (r.expiresAtUnixNanos() > now) {
          live.add(r);
          SaLifetime left = r.lifetime().remainingAfter(now - r.installedAtUnixNanos());
          retiring.add(
              MobileTunnels.inbound(r.keys(), r.replayWindow(), left, self, scheduler, gateway));
        }
      }
      for (EspSecurityAssociation sa : retiring) {
        resume(t.homeAddress(), sa, Direction.INBOUND);
      }
      resume(t.homeAddress(), tunnel.inbound(), Direction.INBOUND);
      resume(t.homeAddress(), tunnel.outbound(), Direction.OUTBOUND);
      StoredEspTunnel kept = new StoredEspTunnel(t, s.installedAtUnixNanos(), live);
      stored.put(t.homeAddress().toInt(), kept);
      if (live.size() != s.retiring().size()) {
        store.put(gateway, kept);
      }
      engine.restoreTunnel(tunnel, retiring);
      restored++;
    }
    // Nothing is sent above the old reservations before the new ones are in the store.
    store.flush();
    return restored;
  }

  /**
   * The gateway stops in order, its engine stopped: each SA's reservation comes down to what it
   * used, so the next instance continues with the very next number, and an inbound SA refuses
   * exactly what this one accepted or passed.
   */
  public void release() {
    ReaderEsp r = readers;
    if (r != null) {
      r.close(); // from now on the readers leave every packet to the stopped engine
    }
    blocks.releaseAll(
        (o, sa) ->
            store.release(
                gateway,
                o.home(),
                o.direction(),
                sa.spi(),
                r == null ? sa.sequence() : r.used(sa)));
    store.flush();
  }

  /**
   * Inbound ESP is opened on reader threads ({@code readers}): each SA's readers accept numbers
   * only up to half a block below its reservation, as the gateway's thread keeps half a block for
   * the store's write, and leave a packet above that to the gateway's thread, whose {@link #used}
   * then reserves the next block. A crash thus never loses a number a reader accepted.
   */
  void limitReaders(ReaderEsp r) {
    readers = r;
    r.limitedByStore();
    long half = interval() / 2;
    blocks.watch(
        new SequenceBlocks.Watcher() {
          @Override
          public void reserved(EspSecurityAssociation sa, long upTo) {
            r.limit(sa, upTo - half);
          }

          @Override
          public void forgotten(EspSecurityAssociation sa) {
            r.forget(sa);
          }
        });
  }

  /** The SA continues above what the store holds for it, with the next block reserved. */
  private void resume(Ipv4Address home, EspSecurityAssociation sa, Direction direction) {
    blocks.resume(
        new Owner(home, direction), sa, store.reserved(gateway, home, direction, sa.spi()));
  }

  /**
   * The node's tunnel as the engine runs it now, with the inbound SAs a re-key left accepted: new
   * SAs get their first reservation, and all of it goes to the store in one write.
   */
  void saved(MobileTunnel t, List<EspSecurityAssociation> retiring) {
    Ipv4Address home = t.homeAddress();
    StoredEspTunnel before = stored.get(home.toInt());
    boolean sameKeys =
        before != null
            && before.tunnel().inbound().spi() == t.inbound().spi()
            && before.tunnel().outbound().spi() == t.outbound().spi();
    long now = unixNanos.getAsLong();
    SaLifetime lifetime =
        sameKeys ? before.tunnel().lifetime() : MobileTunnels.lifetime(t.inbound().lifetime());
    long installedAt = sameKeys ? before.installedAtUnixNanos() : now;
    List<RetiringInbound> kept = new ArrayList<>();
    for (EspSecurityAssociation in : retiring) {
      kept.add(retiringValue(before, in, now));
    }
    List<EspSecurityAssociation> held = new ArrayList<>(retiring);
    held.add(t.inbound());
    held.add(t.outbound());
    blocks.forget((o, sa) -> o.home().equals(home) && !held.contains(sa));
    for (EspSecurityAssociation sa : held) {
      if (!blocks.holds(sa)) {
        Direction d = sa == t.outbound() ? Direction.OUTBOUND : Direction.INBOUND;
        blocks.start(new Owner(home, d), sa);
      }
    }
    StoredEspTunnel value =
        new StoredEspTunnel(MobileTunnels.value(t, lifetime), installedAt, kept);
    stored.put(home.toInt(), value);
    store.put(gateway, value);
  }

  /** A kept inbound SA as stored before, or as the previous tunnel's inbound SA was. */
  private RetiringInbound retiringValue(
      StoredEspTunnel before, EspSecurityAssociation in, long now) {
    if (before != null) {
      for (RetiringInbound r : before.retiring()) {
        if (r.keys().spi() == in.spi()) {
          return r;
        }
      }
      EspTunnel was = before.tunnel();
      if (was.inbound().spi() == in.spi()) {
        return new RetiringInbound(
            was.inbound(), was.replayWindow(), was.lifetime(), before.installedAtUnixNanos());
      }
    }
    return new RetiringInbound(
        MobileTunnels.keys(in), in.replayWindow(), MobileTunnels.lifetime(in.lifetime()), now);
  }

  /** The node's tunnel is gone: its SAs and their reservations with it. */
  void removed(Ipv4Address home) {
    stored.remove(home.toInt());
    blocks.forget((o, sa) -> o.home().equals(home));
    store.remove(gateway, home);
  }

  /**
   * Each SA may have used up to {@code packets} numbers more than the gateway's thread sees: its
   * ESP runs on other threads, which hand packets back later.
   */
  void usedAhead(long packets) {
    this.usedAhead = packets;
  }

  /**
   * An SA has just used a sequence number (sent, or accepted as authentic). With readers the next
   * block is reserved a quarter block before they reach their limit, so that a stream's packets
   * seldom have to wait for this thread (ReaderEsp sends them here, in order, while they would).
   */
  void used(EspSecurityAssociation sa) {
    blocks.used(sa, readers == null ? usedAhead : Math.max(usedAhead, interval / 4));
  }
}
