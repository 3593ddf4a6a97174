package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * ESP spread over owner threads: an SA has exactly one owner, so its replay window and sequence
 * counter have one writer, whichever thread a packet came from; outcomes return to the gateway's
 * thread in order.
 */
class EspOwnersTest {

  static final Ipv4Address GW = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address NODE = Ipv4Address.parse("203.0.113.70");
  static final byte[] KEY = new byte[36];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (i * 13 + 5);
    }
  }

  final VirtualTimeScheduler gateway = new VirtualTimeScheduler();
  final VirtualTimeScheduler ownerA = new VirtualTimeScheduler();
  final VirtualTimeScheduler ownerB = new VirtualTimeScheduler();
  final UnpooledByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;

  static EspSecurityAssociation nodeSends(int spi) {
    return new EspSecurityAssociation(spi, Direction.OUTBOUND, NODE, GW, KEY, true, 0);
  }

  static EspSecurityAssociation gatewayReceives(int spi) {
    return new EspSecurityAssociation(spi, Direction.INBOUND, null, GW, KEY, true, 64);
  }

  /** A 100-byte UDP datagram from the node's home address, sealed by {@code sa}. */
  ByteBuf sealed(EspSecurityAssociation sa, int n) throws Exception {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) n, (byte) (n >> 8)});
    ByteBuf inner = UdpDatagram.build(alloc, 0x0AFA0005, 0x0A010064, 7001, 7000, payload, 64);
    ByteBuf outer = sa.encapsulate(alloc, Ipv4Packet.parse(inner), 64);
    inner.release();
    return outer;
  }

  /** Opens the ESP of an outer datagram through the owners; the outcome is recorded. */
  static void open(EspOwners owners, EspSecurityAssociation sa, ByteBuf outer, List<String> log)
      throws Exception {
    open(
        owners,
        sa,
        outer,
        (inner, x, newest) -> {
          if (x != null) {
            log.add(x.reason().name());
          } else {
            log.add("opened" + (newest ? " newest" : ""));
            inner.release();
          }
        });
  }

  /** Opens the ESP of an outer datagram (then released) through the owners. */
  static void open(
      EspOwners owners, EspSecurityAssociation sa, ByteBuf outer, EspOwners.Outcome outcome)
      throws Exception {
    Ipv4Packet p = Ipv4Packet.parse(outer);
    owners.open(sa, outer, p.payloadOffset(), p.payloadLength(), outcome);
    outer.release();
  }

  @Test
  void theSameSpiAlwaysHasTheSameOwnerAndSpisSpreadOverAllOwners() {
    EspOwners owners = new EspOwners(List.of(ownerA, ownerB), gateway, alloc, 64);
    Set<Integer> used = new HashSet<>();
    for (int spi = 0x1000; spi < 0x1010; spi++) {
      assertThat(owners.ownerOf(spi)).isEqualTo(owners.ownerOf(spi)).isBetween(0, 1);
      used.add(owners.ownerOf(spi));
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1);
    assertThat(EspOwners.inline(gateway, alloc).ownerOf(0x1000)).isEqualTo(-1);
  }

  @Test
  void aPacketAndItsReplayRunOnTheOneOwnerOfTheirSaWhichRefusesTheReplay() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA, ownerB), gateway, alloc, 64);
    EspSecurityAssociation node = nodeSends(0x2001);
    EspSecurityAssociation sa = gatewayReceives(0x2001);
    ByteBuf once = sealed(node, 1);
    ByteBuf again = once.copy();
    List<String> log = new ArrayList<>();

    open(owners, sa, once, log);
    open(owners, sa, again, log);
    VirtualTimeScheduler owner = owners.ownerOf(0x2001) == 0 ? ownerA : ownerB;
    VirtualTimeScheduler other = owner == ownerA ? ownerB : ownerA;
    assertThat(other.pendingTasks()).isZero();
    assertThat(owner.pendingTasks()).isEqualTo(1); // both in one batch: one task, one wake-up
    assertThat(log).isEmpty(); // nothing runs on the gateway's thread until the owner has
    owner.runUntilIdle();
    gateway.runUntilIdle();

    assertThat(log).containsExactly("opened newest", "REPLAY");
    assertThat(sa.refused(EspException.Reason.REPLAY)).isEqualTo(1);
  }

  @Test
  void packetsOfOneSaComeBackInTheOrderTheyWereHandedOver() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA, ownerB), gateway, alloc, 64);
    EspSecurityAssociation node = nodeSends(0x2002);
    EspSecurityAssociation sa = gatewayReceives(0x2002);
    List<ByteBuf> sent = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      sent.add(sealed(node, n));
    }
    List<Integer> order = new ArrayList<>();
    for (ByteBuf outer : sent) {
      open(owners, sa, outer, inOrder(order));
    }
    ownerA.runUntilIdle();
    ownerB.runUntilIdle();
    gateway.runUntilIdle();

    assertThat(order).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void aBurstIsOneTaskOnItsOwnerAndComesBackInOrderATaskPerThirtyTwoOutcomes() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA), gateway, alloc, 64);
    EspSecurityAssociation node = nodeSends(0x2006);
    EspSecurityAssociation sa = gatewayReceives(0x2006);
    List<Integer> order = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      open(owners, sa, sealed(node, n), inOrder(order));
    }
    assertThat(ownerA.pendingTasks()).isEqualTo(1); // one wake-up for the burst
    ownerA.runUntilIdle();
    assertThat(gateway.pendingTasks()).isEqualTo(1); // the drain of what the owner sent back
    assertThat(order).isEmpty();
    gateway.runUntilIdle();

    assertThat(order).hasSize(40).isSorted();
    open(owners, sa, sealed(node, 40), (inner, x, newest) -> inner.release());
    assertThat(ownerA.pendingTasks()).isEqualTo(1); // idle again: the next packet wakes it
  }

  @Test
  void theGatewaysOwnShareRunsAtOnceOnItsThreadAndTheRestGoesToTheOwner() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA), true, gateway, alloc, 64);
    assertThat(owners.owners()).isEqualTo(1);
    int mine = spiOn(owners, 1);
    int theirs = spiOn(owners, 0);
    List<String> log = new ArrayList<>();

    open(owners, gatewayReceives(mine), sealed(nodeSends(mine), 1), log);
    assertThat(log).containsExactly("opened newest"); // no hand-over
    assertThat(ownerA.pendingTasks()).isZero();

    open(owners, gatewayReceives(theirs), sealed(nodeSends(theirs), 1), log);
    assertThat(ownerA.pendingTasks()).isEqualTo(1);
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    assertThat(log).containsExactly("opened newest", "opened newest");
  }

  /**
   * Two threads seal on the same outbound SA at once, through the owners (once on an owner, once on
   * the gateway's own share, handed in): every packet leaves with a number of its own.
   */
  @Test
  void sequenceNumbersSealedFromTwoThreadsAtOnceAreUnique() throws Exception {
    DefaultEventExecutor loop = new DefaultEventExecutor();
    DefaultEventExecutor a = new DefaultEventExecutor();
    try {
      EspOwners owners =
          new EspOwners(
              List.of(new EventLoopScheduler(a)), true, new EventLoopScheduler(loop), alloc, 4096);
      for (int share = 0; share <= 1; share++) {
        int spi = spiOn(owners, share);
        EspSecurityAssociation out =
            new EspSecurityAssociation(spi, Direction.OUTBOUND, GW, NODE, KEY, true, 0);
        int each = 1000;
        Set<Long> numbers = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(2 * each);
        EspOwners.Outcome numbered =
            (o, x, newest) -> {
              Ipv4Packet p = parseQuietlyIp(o);
              numbers.add(o.getUnsignedInt(p.payloadOffset() + 8 + 4)); // UDP, SPI, sequence
              o.release();
              done.countDown();
            };
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          Thread sender =
              new Thread(
                  () -> {
                    for (int n = 0; n < each; n++) {
                      ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) n});
                      ByteBuf inner =
                          UdpDatagram.build(alloc, 0x0A010064, 0x0AFA0005, 7000, 7001, payload, 64);
                      owners.seal(out, parseQuietlyIp(inner), true, 64, numbered);
                      inner.release();
                    }
                  });
          sender.start();
          senders.add(sender);
        }
        for (Thread sender : senders) {
          sender.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(numbers).hasSize(2 * each);
        assertThat(out.sequence()).isEqualTo(2 * each);
      }
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      a.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void sealingOnAnOwnerNumbersEveryPacketOnceAndTheNodeOpensThemAll() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA, ownerB), gateway, alloc, 64);
    EspSecurityAssociation out =
        new EspSecurityAssociation(0x3001, Direction.OUTBOUND, GW, NODE, KEY, true, 0);
    EspSecurityAssociation node =
        new EspSecurityAssociation(0x3001, Direction.INBOUND, null, NODE, KEY, true, 64);
    List<ByteBuf> sealedOut = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) n});
      ByteBuf inner = UdpDatagram.build(alloc, 0x0A010064, 0x0AFA0005, 7000, 7001, payload, 64);
      owners.seal(out, Ipv4Packet.parse(inner), true, 64, (o, x, newest) -> sealedOut.add(o));
      inner.release(); // the owner holds its own reference until it has sealed
    }
    ownerA.runUntilIdle();
    ownerB.runUntilIdle();
    gateway.runUntilIdle();

    assertThat(sealedOut).hasSize(3);
    assertThat(out.sequence()).isEqualTo(3);
    for (ByteBuf o : sealedOut) {
      Ipv4Packet p = Ipv4Packet.parse(o);
      ByteBuf udpPayload = UdpDatagram.parse(p).payload();
      node.open(alloc, udpPayload, udpPayload.readerIndex(), udpPayload.readableBytes()).release();
      o.release();
    }
    assertThat(node.sequence()).isEqualTo(3);
  }

  @Test
  void packetsBeyondTheBoundInFlightAreDroppedAndCountedNotQueued() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA), gateway, alloc, 2);
    EspSecurityAssociation node = nodeSends(0x2003);
    EspSecurityAssociation sa = gatewayReceives(0x2003);
    List<String> log = new ArrayList<>();
    List<ByteBuf> handed = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      ByteBuf outer = sealed(node, n);
      handed.add(outer);
      open(owners, sa, outer, log);
    }
    assertThat(owners.overruns()).isEqualTo(1);
    assertThat(handed.get(2).refCnt()).isZero(); // the caller's reference went, none was kept
    ownerA.runUntilIdle();
    gateway.runUntilIdle();

    assertThat(log).containsExactly("opened newest", "opened newest");
    assertThat(handed).allMatch(b -> b.refCnt() == 0);
    open(owners, sa, sealed(node, 3), log); // room again once the outcomes are back
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    assertThat(log).hasSize(3);
  }

  @Test
  void aPacketThatFailsOnItsOwnerGivesItsRoomBack() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA), gateway, alloc, 1);
    List<GatewayCounter> counted = new ArrayList<>();
    owners.countWith(counted::add);
    EspSecurityAssociation node = nodeSends(0x2005);
    List<String> log = new ArrayList<>();
    ByteBuf outer = sealed(node, 1);
    open(owners, node, outer, log); // opening with an outbound SA: a fault, not a refusal
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    assertThat(outer.refCnt()).isZero();
    assertThat(counted).containsExactly(GatewayCounter.ESP_THREADS_FAILED);

    open(owners, gatewayReceives(0x2005), sealed(node, 2), log);
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    assertThat(log).containsExactly("opened newest");
    assertThat(owners.overruns()).isZero();
  }

  /**
   * An outcome that throws, an Error even, costs nothing of the rest of its burst: their outcomes
   * still come and their room in flight comes back; the failure itself is not swallowed.
   */
  @Test
  void anOutcomeThatThrowsAnErrorLeavesTheRestOfItsBurstDelivered() throws Exception {
    EspOwners owners = new EspOwners(List.of(ownerA), gateway, alloc, 4);
    EspSecurityAssociation node = nodeSends(0x2007);
    EspSecurityAssociation sa = gatewayReceives(0x2007);
    List<ByteBuf> results = new ArrayList<>();
    EspOwners.Outcome firstFails =
        (inner, x, newest) -> {
          results.add(inner);
          if (results.size() == 1) {
            throw new AssertionError("outcome failed");
          }
        };
    for (int n = 0; n < 4; n++) {
      open(owners, sa, sealed(node, n), firstFails);
    }
    ownerA.runUntilIdle();
    assertThat(gateway.pendingTasks()).isEqualTo(1); // the four come back in one burst
    assertThatThrownBy(gateway::runUntilIdle)
        .cause()
        .isInstanceOf(AssertionError.class)
        .hasMessage("outcome failed");

    assertThat(results).hasSize(4).doesNotContainNull();
    results.forEach(ByteBuf::release);
    List<String> log = new ArrayList<>();
    for (int n = 4; n < 8; n++) { // all four slots free again
      open(owners, sa, sealed(node, n), log);
    }
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    assertThat(owners.overruns()).isZero();
    assertThat(log).hasSize(4);
  }

  @Test
  void theGatewaysThreadCannotOwnAShareWithoutOwners() {
    // Its share would be handed in from other threads and drained() would not wait for it.
    assertThatThrownBy(() -> new EspOwners(List.of(), true, gateway, alloc, 64))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new EspOwners(List.of(), false, gateway, alloc, 64).ownerOf(7)).isEqualTo(-1);
  }

  @Test
  void withoutOwnersEverythingRunsAtOnceOnTheCallersThread() throws Exception {
    EspOwners inline = EspOwners.inline(gateway, alloc);
    EspSecurityAssociation node = nodeSends(0x2004);
    EspSecurityAssociation sa = gatewayReceives(0x2004);
    List<String> log = new ArrayList<>();
    open(inline, sa, sealed(node, 1), log);

    assertThat(log).containsExactly("opened newest");
    assertThat(gateway.pendingTasks()).isZero();
  }

  /**
   * Two reader threads each hand over every packet of one SA, so each packet arrives twice from
   * different threads at the same moment: exactly one of each pair is accepted, the window having
   * one writer.
   */
  @Test
  void duplicatesHandedOverFromTwoThreadsAtOnceAreAcceptedExactlyOnce() throws Exception {
    duplicatesFromTwoThreadsAcceptedOnce(false, 0);
  }

  /** As above, with the gateway's thread owning a share: its SA's packets come in from readers. */
  @Test
  void duplicatesForTheGatewaysOwnShareFromTwoThreadsAreAcceptedExactlyOnce() throws Exception {
    duplicatesFromTwoThreadsAcceptedOnce(true, 1);
    duplicatesFromTwoThreadsAcceptedOnce(true, 0); // and on the owner beside it
  }

  /**
   * Without owners each reader opens what it holds on its own thread, at once: the SA's lock around
   * its window, not one writer, accepts each packet once.
   */
  @Test
  void duplicatesOpenedAtOnceOnTwoReadersWithoutOwnersAreAcceptedExactlyOnce() throws Exception {
    duplicatesFromTwoThreadsAcceptedOnce(false, -1);
  }

  /**
   * {@code share}: the owner the SA must be on (the gateway's own thread: 1, with one owner); -1:
   * no owners, every packet opened on the reader that holds it.
   */
  void duplicatesFromTwoThreadsAcceptedOnce(boolean gatewayOwnsToo, int share) throws Exception {
    int packets = 2000;
    DefaultEventExecutor loop = new DefaultEventExecutor();
    DefaultEventExecutor a = new DefaultEventExecutor();
    DefaultEventExecutor b = new DefaultEventExecutor();
    try {
      Scheduler gatewayThread = new EventLoopScheduler(loop);
      List<Scheduler> threads =
          gatewayOwnsToo
              ? List.of(new EventLoopScheduler(a))
              : List.of(new EventLoopScheduler(a), new EventLoopScheduler(b));
      EspOwners owners =
          share < 0
              ? EspOwners.inline(gatewayThread, alloc)
              : new EspOwners(threads, gatewayOwnsToo, gatewayThread, alloc, 4 * packets);
      int spi = spiOn(owners, share);
      EspSecurityAssociation node = nodeSends(spi);
      EspSecurityAssociation sa =
          new EspSecurityAssociation(spi, Direction.INBOUND, null, GW, KEY, true, 4096);
      List<ByteBuf> originals = new ArrayList<>();
      for (int n = 0; n < packets; n++) {
        originals.add(sealed(node, n));
      }
      AtomicInteger accepted = new AtomicInteger();
      AtomicInteger replays = new AtomicInteger();
      Set<Integer> seen = ConcurrentHashMap.newKeySet();
      CountDownLatch done = new CountDownLatch(2 * packets);
      EspOwners.Outcome count =
          (inner, x, newest) -> {
            if (x == null) {
              accepted.incrementAndGet();
              seen.add(parseQuietly(inner).payload().getUnsignedShortLE(0));
              inner.release();
            } else if (x.reason() == EspException.Reason.REPLAY) {
              replays.incrementAndGet();
            }
            done.countDown();
          };
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Thread reader =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (ByteBuf outer : originals) {
                      open(owners, sa, outer.retainedDuplicate(), count);
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        reader.start();
        readers.add(reader);
      }
      start.countDown();
      for (Thread reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(30));
      }

      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(accepted.get()).isEqualTo(packets);
      assertThat(replays.get()).isEqualTo(packets);
      assertThat(seen).hasSize(packets);
      originals.forEach(ByteBuf::release);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      a.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      b.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** An SPI whose SA is on that owner. */
  static int spiOn(EspOwners owners, int owner) {
    int spi = 0x4001;
    while (owners.ownerOf(spi) != owner) {
      spi++;
    }
    return spi;
  }

  /** Records the first payload byte of each opened packet. */
  static EspOwners.Outcome inOrder(List<Integer> order) {
    return (inner, x, newest) -> {
      order.add((int) parseQuietly(inner).payload().getUnsignedByte(0));
      inner.release();
    };
  }

  static Ipv4Packet parseQuietlyIp(ByteBuf datagram) {
    try {
      return Ipv4Packet.parse(datagram);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static UdpDatagram parseQuietly(ByteBuf inner) {
    try {
      return UdpDatagram.parse(Ipv4Packet.parse(inner));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aPacketAnOwnerFailsOnIsCountedOnTheGatewayAndFreesItsSlot() throws Exception {
    // An allocator that cannot allocate: the owner fails with an Error while opening.
    ByteBufAllocator exhausted =
        new AbstractByteBufAllocator(false) {
          @Override
          public boolean isDirectBufferPooled() {
            return false;
          }

          @Override
          protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            throw new OutOfMemoryError("no room for the inner datagram");
          }

          @Override
          protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            throw new OutOfMemoryError("no room for the inner datagram");
          }
        };
    EspOwners owners = new EspOwners(List.of(ownerA), gateway, exhausted, 1);
    List<GatewayCounter> counted = new ArrayList<>();
    owners.countWith(counted::add);
    EspSecurityAssociation node = nodeSends(0x501);
    EspSecurityAssociation sa = gatewayReceives(0x501);
    List<String> log = new ArrayList<>();

    open(owners, sa, sealed(node, 1), log);
    ownerA.runUntilIdle();
    gateway.runUntilIdle();
    open(owners, sa, sealed(node, 2), log); // the one slot is free again
    ownerA.runUntilIdle();
    gateway.runUntilIdle();

    assertThat(counted)
        .containsExactly(GatewayCounter.ESP_THREADS_FAILED, GatewayCounter.ESP_THREADS_FAILED);
    assertThat(owners.overruns()).isZero();
    assertThat(log).isEmpty(); // no outcome for a packet that was not processed
  }
}
