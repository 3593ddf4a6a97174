package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.lab.Lab;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.mvpn.store.InMemoryEspSaStore;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway with {@code espOnReaders}: what the node sends passes the outside interface's reader
 * stage (as a TUN reader would run it) before the gateway's thread sees it. Every test of the
 * tunnels runs this way too (the node's ESP through the stage); the ones here add two readers
 * opening the same packets at once, forgeries, and tunnels that change while a packet is between a
 * reader and the gateway's thread.
 */
class SecurityGatewayEspOnReadersTest extends SecurityGatewayTunnelsTest {

  Interface o0;

  @BeforeEach
  void openOnReaders() {
    gateway.openEspOnReaders();
    o0 = lab.vrf("gw", "outside").interfaces().get(0);
    assertThat(o0.readerStage()).isNotNull();
  }

  /** The node's ESP as a reader hands it over: through the stage, then to the gateway's thread. */
  @Override
  void nodeSends(int spi, String text) throws Exception {
    toLoop(o0, read(nodeSeals(spi, text)));
    run();
  }

  /** What a reader (this thread) hands over for the packet: the stage's result or the packet. */
  Object read(ByteBuf packet) {
    return read(o0, packet);
  }

  static Object read(Interface o0, ByteBuf packet) {
    ReaderStage stage = o0.readerStage();
    ReaderStage.Result r = stage == null ? null : stage.process(o0, packet);
    return r == null ? packet : r;
  }

  void toLoop(Interface in, Object handed) {
    toLoop(lab, in, handed);
  }

  /** To the gateway's thread, as a reader's burst goes: the packet as read, or the result. */
  static void toLoop(Lab lab, Interface in, Object handed) {
    lab.virtualTime()
        .execute(
            () -> {
              if (handed instanceof ByteBuf raw) {
                in.receive(raw);
              } else {
                in.receive((ReaderStage.Result) handed);
              }
            });
  }

  @Test
  void theNodesEspIsOpenedOnTheReaderAndTheLoopOnlyForwardsIt() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    Object handed = read(nodeSeals(t.inbound().spi(), "opened on the reader"));

    assertThat(handed).isInstanceOf(ReaderStage.Result.class);
    assertThat(gateway.tunnel(HOME).inbound().sequence()).isEqualTo(1); // moved on the reader
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isZero(); // counted on the loop
    toLoop(o0, handed);
    run();

    assertThat(atHost).containsExactly("opened on the reader");
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isEqualTo(1);
  }

  @Test
  void anUnknownSpiGoesToTheLoopAsItIsAndIsCountedThere() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    ByteBuf packet = nodeSeals(t.inbound().spi(), "unknown");
    packet.setInt(20, 0x7777); // the SPI

    Object handed = read(packet);
    assertThat(handed).isSameAs(packet);
    toLoop(o0, handed);
    run();
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
  }

  @Test
  void twoReadersOpeningTheSamePacketsAtOnceAcceptEachOnceAndCountTheRestAsReplays()
      throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    int n = 500;
    List<ByteBuf> first = new ArrayList<>();
    List<ByteBuf> second = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuf p = nodeSeals(t.inbound().spi(), "p" + i);
      first.add(p);
      second.add(p.copy());
    }
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try {
      Future<List<Object>> a = readers.submit(() -> readAll(start, first));
      Future<List<Object>> b = readers.submit(() -> readAll(start, second));
      List<Object> handed = new ArrayList<>(a.get());
      handed.addAll(b.get());
      assertThat(handed).allMatch(h -> h instanceof ReaderStage.Result);
      handed.forEach(h -> toLoop(o0, h));
    } finally {
      readers.shutdownNow();
    }
    run();

    assertThat(atHost).hasSize(n).doesNotHaveDuplicates();
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isEqualTo(n);
    // A copy the other reader accepted within the window is a replay; one that fell below the
    // window, as the other reader ran ahead, gets the high sequence bits of the next epoch (ESN,
    // RFC 4303 Appendix A) and fails its ICV. Either way it is refused, and counted once.
    assertThat(gateway.refusals().keySet())
        .containsAnyOf(EspException.Reason.REPLAY)
        .isSubsetOf(EspException.Reason.REPLAY, EspException.Reason.ICV);
    assertThat(gateway.refusals().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isEqualTo(2L * n);
    assertThat(gateway.tunnel(HOME).inbound().sequence()).isEqualTo(n);
  }

  private List<Object> readAll(CyclicBarrier start, List<ByteBuf> packets) throws Exception {
    start.await();
    List<Object> handed = new ArrayList<>();
    for (ByteBuf p : packets) {
      handed.add(read(p));
    }
    return handed;
  }

  @Test
  void aForgedPacketNeverMovesTheWindow() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    ByteBuf early = nodeSeals(t.inbound().spi(), "early");
    ByteBuf late = nodeSeals(t.inbound().spi(), "late"); // sequence 2
    ByteBuf forged = late.copy();
    forged.setByte(forged.writerIndex() - 1, forged.getByte(forged.writerIndex() - 1) ^ 1);

    Object refused = read(forged);
    assertThat(gateway.tunnel(HOME).inbound().sequence()).isZero();
    toLoop(o0, refused);
    toLoop(o0, read(late));
    toLoop(o0, read(early)); // still inside the window: the forgery moved nothing
    run();

    assertThat(atHost).containsExactly("late", "early");
    assertThat(gateway.refusals().get(EspException.Reason.REPLAY)).isNull();
    assertThat(gateway.refusals()).hasSize(1);
  }

  @Test
  void aPacketWhoseTunnelIsRemovedBetweenReaderAndLoopIsDroppedAsUnknown() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    Object handed = read(nodeSeals(t.inbound().spi(), "late"));

    assertThat(tunnels.remove(t.inbound().spi())).isTrue();
    toLoop(o0, handed);
    run();

    assertThat(atHost).isEmpty();
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isZero();
    ByteBuf after = nodeSeals(t.inbound().spi(), "after the removal");
    assertThat(read(after)).isSameAs(after); // the index let go of the SPI: the loop's to refuse
    after.release();
  }

  @Test
  void aPacketOnTheOldSaOfARekeyBetweenReaderAndLoopIsStillDelivered() throws Exception {
    EspTunnel old = newTunnel();
    tunnels.install(old);
    Object handed = read(nodeSeals(old.inbound().spi(), "sent before the re-key"));

    EspTunnel next = newTunnel();
    tunnels.rekey(next);
    toLoop(o0, handed);
    nodeSends(next.inbound().spi(), "on the new SA");
    nodeSends(old.inbound().spi(), "on the old SA, still accepted");

    assertThat(atHost)
        .containsExactly(
            "sent before the re-key", "on the new SA", "on the old SA, still accepted");
  }

  @Test
  void whatAReaderOpenedForAGatewayThatStoppedMeanwhileIsDropped() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    Object handed = read(nodeSeals(t.inbound().spi(), "too late"));

    gateway.stop();
    assertThat(o0.readerStage()).isNull();
    toLoop(o0, handed);
    run();

    assertThat(atHost).isEmpty();
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isZero();
  }

  /**
   * With an SA store of 8-packet blocks, readers accept numbers only up to half a block below the
   * reservation and leave the packet above it to the loop, which reserves the next block; the loop
   * here lags ten packets behind. A crash then repeats nothing a reader accepted.
   */
  @Test
  void withAnSaStoreReadersAcceptOnlyWhatTheStoreHoldsAndACrashRepeatsNone() throws Exception {
    InMemoryEspSaStore saved = new InMemoryEspSaStore();
    gateway.writeThrough(new GatewaySaStore(saved, "gw1", () -> 0L, 8));
    EspTunnel t = newTunnel();
    tunnels.install(t);
    int onReaders = 0;
    for (int i = 1; i <= 40; i++) {
      Object handed = read(nodeSeals(t.inbound().spi(), "p" + i));
      if (handed instanceof ReaderStage.Result && !(handed instanceof ReaderEsp.ToLoop)) {
        onReaders++;
        long reserved = saved.reserved("gw1", HOME, Direction.INBOUND, t.inbound().spi());
        assertThat(gateway.tunnel(HOME).inbound().sequence()).isLessThanOrEqualTo(reserved - 4);
      }
      toLoop(o0, handed);
      if (i % 10 == 0) {
        run();
      }
    }
    assertThat(atHost).hasSize(40);
    assertThat(onReaders).isBetween(1, 39); // some packets at each block's end went to the loop

    gateway.stop(); // a crash: nothing released
    SecurityGateway next = startGateway(lab);
    new GatewaySaStore(saved, "gw1", () -> 0L, 8).restore(next, lab.virtualTime());
    assertThat(next.tunnel(HOME).inbound().sequence()).isGreaterThanOrEqualTo(40);
  }

  /**
   * A packet above the readers' limit goes to the loop, and so does every later one of its SA read
   * while it waits there, even once the loop has raised the limit: a reader that opened them at
   * once would move the window past it (with a stream faster than the window, it would then be
   * refused as too old). Once the loop has opened what it was handed, readers open again.
   */
  @Test
  void afterAPacketLeftToTheLoopTheSasNextOnesFollowItUntilTheLoopHasOpenedIt() throws Exception {
    InMemoryEspSaStore saved = new InMemoryEspSaStore();
    gateway.writeThrough(new GatewaySaStore(saved, "gw1", () -> 0L, 8));
    EspTunnel t = newTunnel();
    tunnels.install(t);
    List<Object> handed = new ArrayList<>();
    int i = 0;
    do { // the readers open until the limit
      handed.add(read(nodeSeals(t.inbound().spi(), "p" + ++i)));
    } while (!(handed.get(handed.size() - 1) instanceof ReaderEsp.ToLoop));
    Object waiting = read(nodeSeals(t.inbound().spi(), "p" + ++i));
    assertThat(waiting).isInstanceOf(ReaderEsp.ToLoop.class);
    handed.forEach(h -> toLoop(o0, h)); // the first above the limit: the loop reserves anew
    run();
    // The limit is raised, but this one would pass the one still waiting.
    Object behind = read(nodeSeals(t.inbound().spi(), "p" + ++i));
    assertThat(behind).isInstanceOf(ReaderEsp.ToLoop.class);
    toLoop(o0, waiting);
    toLoop(o0, behind);
    run();
    Object again = read(nodeSeals(t.inbound().spi(), "p" + ++i));
    assertThat(again)
        .isInstanceOf(ReaderStage.Result.class)
        .isNotInstanceOf(ReaderEsp.ToLoop.class);
    toLoop(o0, again);
    run();

    assertThat(atHost).hasSize(i).endsWith("p" + (i - 2), "p" + (i - 1), "p" + i);
    assertThat(gateway.refusals()).isEmpty();
  }

  /**
   * An orderly stop: the readers open nothing more, and each inbound SA's reservation comes down
   * only to the highest number a reader that had passed its check could still accept.
   */
  @Test
  void anOrderlyStopStoresEveryNumberAReaderMayStillAccept() throws Exception {
    InMemoryEspSaStore saved = new InMemoryEspSaStore();
    GatewaySaStore store = new GatewaySaStore(saved, "gw1", () -> 0L, 64);
    gateway.writeThrough(store);
    EspTunnel t = newTunnel();
    tunnels.install(t);
    for (int i = 1; i <= 3; i++) {
      nodeSends(t.inbound().spi(), "p" + i);
    }
    ByteBuf late = nodeSeals(t.inbound().spi(), "after the stop");

    gateway.stop();
    store.release();

    assertThat(read(late)).isSameAs(late); // left to the stopped engine
    late.release();
    // The first block reserved 64; readers could accept up to 32 of it.
    assertThat(saved.reserved("gw1", HOME, Direction.INBOUND, t.inbound().spi()))
        .isGreaterThanOrEqualTo(32);
    assertThat(saved.reserved("gw1", HOME, Direction.OUTBOUND, t.outbound().spi()))
        .isEqualTo(gateway.tunnel(HOME) == null ? 0 : gateway.tunnel(HOME).outbound().sequence());
  }
}
