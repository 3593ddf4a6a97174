package io.mvpn.napt.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.napt.NaptService;
import io.mvpn.napt.NaptEngine;
import io.mvpn.napt.NaptTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAPT as a function ({@link NaptComponent} makes it from {@code etc/io.mvpn.napt.cfg}): a
 * {@link NaptEngine} whose mappings live in the {@link NaptMappingStore}, so the instance that
 * follows a {@code bundle:update} keeps every flow on its public port. Calls are serialized on this
 * object: the backbone's loop is the only caller on the datagram path, so the lock is uncontended
 * there.
 */
public final class NaptManager implements NaptService, MetricSource {

  /** The scope of the NAPT's counts in the counter store: one NAPT per appliance. */
  public static final String SCOPE = "napt";

  private static final Logger LOG = LoggerFactory.getLogger(NaptManager.class);

  private final NaptMappingStore store;

  /** Where the engine counts, so the one that follows an update goes on from the same totals. */
  private final CounterStore counters;

  private NaptEngine engine;
  // The callers' latest time and the host's monotonic clock then, for nanoTime().
  private long callerNow;
  private long hostThen = System.nanoTime();

  /** A manager outside OSGi (labs, tests): what activation with those settings makes. */
  public NaptManager(
      NaptMappingStore store,
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      NaptTimeouts timeouts) {
    this(store, null, publicAddress, firstPort, lastPort, timeouts);
  }

  /** As the other, counting in {@code counters} (if not null) as the component does. */
  public NaptManager(
      NaptMappingStore store,
      CounterStore counters,
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      NaptTimeouts timeouts) {
    this.store = store;
    this.counters = counters;
    start(publicAddress, firstPort, lastPort, timeouts);
  }

  private void start(
      Ipv4Address publicAddress, int firstPort, int lastPort, NaptTimeouts timeouts) {
    int before = store.mappings(publicAddress).size();
    synchronized (this) {
      engine = new NaptEngine(publicAddress, firstPort, lastPort, timeouts, store, counters, SCOPE);
    }
    LOG.info(
        "NAPT on {} ports {}-{}, {} of {} stored mappings taken over",
        publicAddress,
        firstPort,
        lastPort,
        store.mappings(publicAddress).size(),
        before);
  }

  /** The NAPT's configuration is gone: its mappings end with it (an update leaves them). */
  synchronized void clear() {
    engine.clear();
  }

  @Override
  public Ipv4Address publicAddress() {
    return engine.publicAddress();
  }

  @Override
  public int firstPort() {
    return engine.firstPort();
  }

  @Override
  public int lastPort() {
    return engine.lastPort();
  }

  @Override
  public synchronized Outbound outbound(MvpnId tenant, ByteBuffer datagram, long nowNanos) {
    return engine.outbound(tenant, view(datagram), tick(nowNanos));
  }

  @Override
  public synchronized Optional<MvpnId> inbound(ByteBuffer datagram, long nowNanos) {
    return Optional.ofNullable(engine.inbound(view(datagram), tick(nowNanos)));
  }

  @Override
  public synchronized ByteBuffer nextReleased() {
    return engine.nextReleased();
  }

  @Override
  public synchronized long fragmentsHeld() {
    return engine.fragmentsHeld();
  }

  @Override
  public synchronized long fragmentsDropped(FragmentDrop reason) {
    return engine.fragmentsDropped(reason);
  }

  @Override
  public synchronized Optional<NaptInside> insideOf(int protocol, int publicPort, long nowNanos) {
    return Optional.ofNullable(engine.insideOf(protocol, publicPort, tick(nowNanos)));
  }

  @Override
  public synchronized List<NaptMappingView> mappings(long nowNanos) {
    return engine.mappings(tick(nowNanos));
  }

  @Override
  public synchronized long nanoTime() {
    return callerNow + (System.nanoTime() - hostThen);
  }

  @Override
  public synchronized long translated() {
    return engine.translated();
  }

  @Override
  public synchronized long exhausted() {
    return engine.exhausted();
  }

  @Override
  public synchronized Map<MvpnId, Long> translatedByTenant() {
    return engine.translatedByTenant();
  }

  @Override
  public synchronized Map<MvpnId, Long> exhaustedByTenant() {
    return engine.exhaustedByTenant();
  }

  @Override
  public synchronized long dropped() {
    return engine.dropped();
  }

  @Override
  public synchronized long malformed() {
    return engine.malformed();
  }

  /**
   * The NAPT's figures for the metrics endpoint: live mappings by tenant and protocol, and its
   * counts. Both outlive an update: the mappings in the mapping store, the counts in the counter
   * store.
   */
  @Override
  public synchronized void collect(MetricSink sink) {
    Map<List<String>, Integer> live = new TreeMap<>(Comparator.comparing(Object::toString));
    for (NaptMappingView m : engine.mappings(tick(nanoTime()))) {
      live.merge(List.of(m.inside().tenant().toString(), m.protocolName()), 1, Integer::sum);
    }
    live.forEach(
        (key, count) ->
            sink.gauge(
                "mvpn_napt_mappings",
                "Live NAPT mappings (public port to a tenant's address and port), by protocol.",
                count,
                "tenant",
                key.get(0),
                "protocol",
                key.get(1)));
    String datagrams =
        "Datagrams the NAPT handled, by outcome (exhausted: no public port free) and by the tenant"
            + " of the node behind the mapping (empty for drops, which no mapping names).";
    datagrams(sink, datagrams, "translated", engine.translatedByTenant());
    datagrams(sink, datagrams, "exhausted", engine.exhaustedByTenant());
    String none = "";
    sink.counter(
        "mvpn_napt_datagrams", datagrams, engine.dropped(), "result", "dropped", "tenant", none);
    sink.counter(
        "mvpn_napt_datagrams",
        datagrams,
        engine.malformed(),
        "result",
        "malformed",
        "tenant",
        none);
  }

  private static void datagrams(
      MetricSink sink, String help, String result, Map<MvpnId, Long> byTenant) {
    byTenant.forEach(
        (tenant, n) ->
            sink.counter(
                "mvpn_napt_datagrams", help, n, "result", result, "tenant", tenant.value()));
  }

  /** Notes the callers' time; a reader's estimate never moves it back. */
  private long tick(long nowNanos) {
    if (nowNanos >= callerNow) {
      callerNow = nowNanos;
      hostThen = System.nanoTime();
    }
    return nowNanos;
  }

  /**
   * The caller's bytes as a buffer over the same memory: what the engine rewrites, they see. Netty
   * takes its own slice of a direct buffer and reads a heap one's array in place, so no second
   * slice is made here. Netty keeps the buffer's byte order, so the view is made over a big-endian
   * duplicate: a caller's little-endian buffer must not turn the headers' fields around.
   */
  private static ByteBuf view(ByteBuffer datagram) {
    return Unpooled.wrappedBuffer(datagram.duplicate().order(ByteOrder.BIG_ENDIAN));
  }
}
