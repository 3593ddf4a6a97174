package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One SA sealing and opening on two threads at once, as multi-queue readers each with the packets
 * they read: every sequence number goes out once, every packet is accepted once, whatever the
 * interleaving (the outcomes below hold for any of them, so the tests do not depend on timing).
 */
class EspConcurrentSaTest {

  static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final Ipv4Address NODE = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address GATEWAY = Ipv4Address.parse("198.51.100.10");
  static final int PACKETS = 2000;
  static final byte[] KEY = new byte[36];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (i * 29 + 3);
    }
  }

  final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  static EspSecurityAssociation nodeSends() {
    return new EspSecurityAssociation(0x3001, Direction.OUTBOUND, NODE, GATEWAY, KEY, true, 0);
  }

  static EspSecurityAssociation gatewayReceives(int window) {
    return new EspSecurityAssociation(0x3001, Direction.INBOUND, null, GATEWAY, KEY, true, window);
  }

  /** A small UDP datagram that carries {@code n}, sealed by {@code sa}. */
  static ByteBuf sealed(EspSecurityAssociation sa, int n) throws Exception {
    ByteBuf inner = datagram(n);
    try {
      return sa.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64);
    } finally {
      inner.release();
    }
  }

  static ByteBuf datagram(int n) {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) (n >> 8), (byte) n});
    return UdpDatagram.build(ALLOC, 0x0A010005, 0x0A010064, 5000, 7, payload, 64);
  }

  /** The number an opened datagram carries. */
  static int carried(ByteBuf inner) throws Exception {
    UdpDatagram d = UdpDatagram.parse(Ipv4Packet.parse(inner));
    ByteBuf p = d.payload();
    return (p.getByte(p.readerIndex()) & 0xFF) << 8 | p.getByte(p.readerIndex() + 1) & 0xFF;
  }

  /** Runs {@code work} for threads 0 and 1 at once (released together) and waits for both. */
  <T> List<T> onTwoThreads(IntFunction<Callable<T>> work) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<T>> running = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Callable<T> job = work.apply(t);
      running.add(
          threads.submit(
              () -> {
                start.await();
                return job.call();
              }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : running) {
      results.add(f.get());
    }
    return results;
  }

  @Test
  void theSamePacketsOpenedOnTwoThreadsAtOnceAreEachAcceptedOnce() throws Exception {
    EspSecurityAssociation node = nodeSends();
    EspSecurityAssociation gateway = gatewayReceives(4096); // every packet inside the window
    List<List<ByteBuf>> copies = List.of(new ArrayList<>(), new ArrayList<>());
    for (int n = 0; n < PACKETS; n++) {
      ByteBuf outer = sealed(node, n);
      copies.get(0).add(outer);
      copies.get(1).add(outer.copy());
    }
    AtomicIntegerArray accepted = new AtomicIntegerArray(PACKETS);

    List<int[]> outcomes =
        onTwoThreads(
            t ->
                () -> {
                  int opened = 0;
                  int replays = 0;
                  List<ByteBuf> mine = copies.get(t);
                  for (int i = 0; i < PACKETS; i++) {
                    // One thread from the first packet up, the other from the last one down.
                    ByteBuf outer = mine.get(t == 0 ? i : PACKETS - 1 - i);
                    try {
                      ByteBuf inner = gateway.decapsulate(ALLOC, Ipv4Packet.parse(outer));
                      accepted.incrementAndGet(carried(inner));
                      inner.release();
                      opened++;
                    } catch (EspException x) {
                      assertThat(x.reason()).isEqualTo(EspException.Reason.REPLAY);
                      replays++;
                    } finally {
                      outer.release();
                    }
                  }
                  return new int[] {opened, replays};
                });

    assertThat(outcomes.get(0)[0] + outcomes.get(1)[0]).isEqualTo(PACKETS);
    assertThat(outcomes.get(0)[1] + outcomes.get(1)[1]).isEqualTo(PACKETS);
    for (int n = 0; n < PACKETS; n++) {
      assertThat(accepted.get(n)).as("packet %d", n).isEqualTo(1);
    }
    assertThat(gateway.refused(EspException.Reason.REPLAY)).isEqualTo(PACKETS);
    assertThat(gateway.packets()).isEqualTo(PACKETS);
    assertThat(gateway.sequence()).isEqualTo(PACKETS);
  }

  @Test
  void sequenceNumbersSealedOnTwoThreadsAtOnceAreAllDistinctAndEveryPacketOpens() throws Exception {
    EspSecurityAssociation node = nodeSends();
    List<List<ByteBuf>> sent =
        onTwoThreads(
            t ->
                () -> {
                  List<ByteBuf> mine = new ArrayList<>();
                  for (int i = 0; i < PACKETS; i++) {
                    mine.add(sealed(node, t * PACKETS + i));
                  }
                  return mine;
                });

    boolean[] seen = new boolean[2 * PACKETS + 1];
    EspSecurityAssociation gateway = gatewayReceives(1 << 14);
    boolean[] carriedSeen = new boolean[2 * PACKETS];
    for (List<ByteBuf> mine : sent) {
      for (ByteBuf outer : mine) {
        Ipv4Packet p = Ipv4Packet.parse(outer);
        long seq = outer.getInt(p.payloadOffset() + 4) & 0xFFFFFFFFL;
        assertThat(seq).isBetween(1L, 2L * PACKETS);
        assertThat(seen[(int) seq]).as("sequence %d sent twice", seq).isFalse();
        seen[(int) seq] = true;
        // Each thread's cipher sealed what it numbered: the packet opens under its number.
        ByteBuf inner = gateway.decapsulate(ALLOC, p);
        carriedSeen[carried(inner)] = true;
        inner.release();
        outer.release();
      }
    }
    assertThat(node.sequence()).isEqualTo(2L * PACKETS);
    assertThat(node.packets()).isEqualTo(2L * PACKETS);
    assertThat(gateway.packets()).isEqualTo(2L * PACKETS);
    for (int n = 0; n < 2 * PACKETS; n++) {
      assertThat(carriedSeen[n]).as("datagram %d", n).isTrue();
    }
  }

  @Test
  void aForgedCopyOpenedBesideTheGenuinePacketNeverMovesTheWindow() throws Exception {
    EspSecurityAssociation node = nodeSends();
    EspSecurityAssociation gateway = gatewayReceives(4096);
    List<ByteBuf> genuine = new ArrayList<>();
    List<ByteBuf> forged = new ArrayList<>();
    for (int n = 0; n < PACKETS; n++) {
      ByteBuf outer = sealed(node, n);
      ByteBuf bad = outer.copy();
      int last = bad.writerIndex() - 1;
      bad.setByte(last, bad.getByte(last) ^ 1); // the ICV no longer verifies
      genuine.add(outer);
      forged.add(bad);
    }

    List<Integer> opened =
        onTwoThreads(
            t ->
                () -> {
                  int ok = 0;
                  for (ByteBuf outer : t == 0 ? forged : genuine) {
                    try {
                      ByteBuf inner = gateway.decapsulate(ALLOC, Ipv4Packet.parse(outer));
                      inner.release();
                      ok++;
                    } catch (EspException x) {
                      // The forged copies: ICV, or a replay once the genuine one was accepted.
                      assertThat(t).isZero();
                    } finally {
                      outer.release();
                    }
                  }
                  return ok;
                });

    assertThat(opened).containsExactly(0, PACKETS);
    assertThat(gateway.packets()).isEqualTo(PACKETS);
    assertThat(
            gateway.refused(EspException.Reason.ICV) + gateway.refused(EspException.Reason.REPLAY))
        .isEqualTo(PACKETS);
  }
}
