package io.mvpn.benchmarks.ike;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.ike.sa.Transport;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mass reconnect: N road warriors (10,000 by default) start IKE at the same instant against one
 * responder with its defaults (cookies from 100 half-open SAs on), over an in-process wire of 5 ms
 * each way in virtual time; each client is an initiator engine of its own address with the default
 * proposals (X25519 first) and a PSK. Reports the virtual time until every Child SA is up, the
 * responder's thread CPU time for all of it (how long one core needs to take every client back),
 * the cookies sent, and the heap the responder holds per IKE SA once all are up.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.ike.IkeMassReconnect [N]
 * </pre>
 */
public final class IkeMassReconnect {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final long LINK_MILLIS = 5;

  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  private final Map<Ipv4Address, IkeEngine> clients = new HashMap<>();
  private IkeEngine responder;
  private long responderCpu;
  private int established;

  private IkeMassReconnect() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    IkeMassReconnect run = new IkeMassReconnect();
    long heapBefore = usedHeap();
    long wall = System.nanoTime();
    run.start(n);
    long cpuAll = CPU.getCurrentThreadCpuTime();
    while (run.established < n && run.scheduler.nanoTime() < TimeUnit.SECONDS.toNanos(120)) {
      run.scheduler.advance(1, TimeUnit.MILLISECONDS);
    }
    cpuAll = CPU.getCurrentThreadCpuTime() - cpuAll;
    wall = System.nanoTime() - wall;
    long virtualMillis = TimeUnit.NANOSECONDS.toMillis(run.scheduler.nanoTime());
    long peak = peakHeap();
    // A minute on, the exchanges' timers have run out; then the initiators' state goes and what
    // the heap still holds beyond where it started is the responder's.
    run.scheduler.advance(1, TimeUnit.MINUTES);
    long heapAll = usedHeap();
    run.clients.clear();
    long heapResponder = usedHeap();
    int sas = run.responder.sas().size();
    long cookies = run.responder.counters().cookiesSent();
    System.out.printf(
        "%d clients, %d established (responder holds %d IKE SAs, each with its Child SA)%n"
            + "virtual time until all were up: %d ms (links of %d ms each way)%n"
            + "responder thread CPU: %.2f s, %.0f setups per CPU-second; both ends: %.2f s;"
            + " wall %.2f s%n"
            + "cookies sent: %d%n"
            + "heap: peak %.1f MB (all pools' peaks), %.1f MB with both ends once up,"
            + " the responder's %.1f MB: %.0f bytes per IKE SA with its Child SA%n",
        n,
        run.established,
        sas,
        virtualMillis,
        LINK_MILLIS,
        run.responderCpu / 1e9,
        sas / (run.responderCpu / 1e9),
        cpuAll / 1e9,
        wall / 1e9,
        cookies,
        peak / 1e6,
        (heapAll - heapBefore) / 1e6,
        (heapResponder - heapBefore) / 1e6,
        (heapResponder - heapBefore) / (double) sas);
  }

  private void start(int n) {
    SecureRandom random = new SecureRandom();
    byte[] psk = IkeResponderLab.PSK;
    TrafficSelector any =
        TrafficSelector.ipv4(Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("255.255.255.255"));
    Transport wire = d -> scheduler.schedule(LINK_MILLIS, TimeUnit.MILLISECONDS, () -> deliver(d));
    Endpoint gw = IkeResponderLab.GW;
    responder =
        new IkeEngine(
            scheduler,
            wire,
            gw,
            PeerConfig.of(
                IkeResponderLab.GW_ID, null, new PskAuthenticator(psk), List.of(any), List.of(any)),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {});
    PeerConfig client =
        PeerConfig.of(
            Identity.fqdn("rw.example.net"),
            IkeResponderLab.GW_ID,
            new PskAuthenticator(psk),
            List.of(any),
            List.of(any));
    IkeEngine.Listener up =
        new IkeEngine.Listener() {
          @Override
          public void established(IkeSa sa) {
            established++;
          }
        };
    for (int i = 0; i < n; i++) {
      Endpoint address = new Endpoint(Ipv4Address.of(0x0A000000 + i + 1), 500);
      IkeEngine engine =
          new IkeEngine(scheduler, wire, address, client, EngineSettings.defaults(), random, up);
      clients.put(address.address(), engine);
      scheduler.execute(() -> engine.initiate(gw));
    }
  }

  private void deliver(Datagram d) {
    if (d.destination().address().equals(IkeResponderLab.GW.address())) {
      long t0 = CPU.getCurrentThreadCpuTime();
      responder.receive(d);
      responderCpu += CPU.getCurrentThreadCpuTime() - t0;
    } else {
      IkeEngine client = clients.get(d.destination().address());
      if (client != null) {
        client.receive(d);
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
