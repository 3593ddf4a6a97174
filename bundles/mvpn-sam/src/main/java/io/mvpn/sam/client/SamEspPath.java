package io.mvpn.sam.client;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node's ESP data path on the SAs its security association manager hands out (seed 000 c1). A
 * datagram to a peer leaves in ESP at once when the node's SAD holds a valid SA with that peer: no
 * message to anyone. Otherwise the node asks its manager through its {@link SamClient}, holds the
 * peer's datagrams (a bounded number, the rest dropped and counted) and sends them in order as soon
 * as the SA is installed. The halves the manager pushes (SAM_INSTALL) are installed the same way,
 * so the peer opens the first packet sent to it. ESP runs in tunnel mode from node to node: the
 * outer source is the node's address, the destination the peer's.
 *
 * <p>The manager pushes the peer's half on its own path, and the node's ESP may overtake it (the
 * install was lost and is sent again, or took a slower way). So ESP from a peer under an SPI not
 * installed yet is held a short while, a bounded number per peer, and opened (ICV and replay window
 * as always) once the peer's SA is in; what is still held after the wait is refused as an unknown
 * SPI.
 *
 * <p>An SA installed again with the same keys keeps running as it was: rebuilding it would send
 * sequence numbers again under the same key and reopen its replay window.
 *
 * <p>Runs on the node's scheduler thread, as its {@link SamClient} does; not thread-safe.
 */
public final class SamEspPath implements AutoCloseable {

  /** Which node is at which address: the names a node's manager knows its peers by. */
  public interface Peers {
    /** The node at {@code address}, or null when it is no node of the manager's. */
    String nodeAt(Ipv4Address address);

    /** Where {@code node} receives ESP, or null when it is not known. */
    Ipv4Address addressOf(String node);

    /** Peers from a fixed table, node name to address. */
    static Peers of(Map<String, Ipv4Address> table) {
      Map<Ipv4Address, String> byAddress = new HashMap<>();
      table.forEach((node, address) -> byAddress.put(address, node));
      Map<String, Ipv4Address> byNode = Map.copyOf(table);
      return new Peers() {
        @Override
        public String nodeAt(Ipv4Address address) {
          return byAddress.get(address);
        }

        @Override
        public Ipv4Address addressOf(String node) {
          return byNode.get(node);
        }
      };
    }
  }

  /**
   * @param heldPerPeer datagrams held per peer while its SA is asked for
   * @param replayWindow the inbound SAs' anti-replay window, in packets
   * @param ttl of the outer header
   * @param earlyPerPeer ESP datagrams from a peer held while their SA's install is still to come
   *     (0: none, each is refused as an unknown SPI at once)
   * @param earlyMillis how long those are held at most
   */
  public record Settings(
      int heldPerPeer, int replayWindow, int ttl, int earlyPerPeer, long earlyMillis) {
    /**
     * 3 s of early ESP covers an install lost once and twice (the manager sends it again after 1
     * and after 3 s); 16 datagrams are 320 ms of a 20 ms voice stream.
     */
    public static final Settings DEFAULT = new Settings(64, 128, 64, 16, 3_000);

    public Settings {
      if (heldPerPeer < 1
          || replayWindow < 0
          || ttl < 1
          || ttl > 255
          || earlyPerPeer < 0
          || earlyMillis < 0) {
        throw new IllegalArgumentException(this.toString());
      }
    }
  }

  /** What the path has done with datagrams, both ways. */
  public static final class Counters {
    long sentAtOnce;
    long held;
    long sentAfterWait;
    long droppedHeldFull;
    long droppedNoSa;
    long droppedNoPeer;
    long malformed;
    long received;
    long notEsp;
    long outsideSelectors;
    long heldForInstall;
    final Map<EspException.Reason, Long> refused = new EnumMap<>(EspException.Reason.class);

    /** Sent in ESP on an SA the node already held: zero round trips. */
    public long sentAtOnce() {
      return sentAtOnce;
    }

    /** Held while the node asked its manager for the SA. */
    public long held() {
      return held;
    }

    /** Held ones sent once the SA was installed. */
    public long sentAfterWait() {
      return sentAfterWait;
    }

    /** Dropped because the peer's holding queue was full. */
    public long droppedHeldFull() {
      return droppedHeldFull;
    }

    /** Dropped because the manager gave no SA, or the SA held may send no more. */
    public long droppedNoSa() {
      return droppedNoSa;
    }

    /** Dropped because their destination is no node of the manager's. */
    public long droppedNoPeer() {
      return droppedNoPeer;
    }

    /** Datagrams, either way, that were not IPv4. */
    public long malformed() {
      return malformed;
    }

    /** ESP packets opened and handed to the host. */
    public long received() {
      return received;
    }

    /** Arriving datagrams that were not ESP. */
    public long notEsp() {
      return notEsp;
    }

    /**
     * ESP packets opened whose inner datagram was not from the SA's peer to this node: the SA's
     * selectors (RFC 4301 section 5.2) cover only that pair, so the datagram was dropped.
     */
    public long outsideSelectors() {
      return outsideSelectors;
    }

    /**
     * ESP packets from a peer that came before their SA's install and were held for it: then
     * opened, or refused as an unknown SPI when the install did not come in time.
     */
    public long heldForInstall() {
      return heldForInstall;
    }

    /** ESP packets refused, by reason. */
    public long refused(EspException.Reason reason) {
      return refused.getOrDefault(reason, 0L);
    }
  }

  /** The ESP SAs running one installed SA with a peer. */
  private record Running(
      InstalledSa sa,
      Ipv4Address peerAddress,
      EspSecurityAssociation outbound,
      EspSecurityAssociation inbound) {}

  private final SamClient client;
  private final Ipv4Address self;
  private final Peers peers;
  private final ByteBufAllocator alloc;
  private final Consumer<ByteBuf> toNetwork;
  private final Consumer<ByteBuf> toHost;
  private final Settings settings;
  private final SaKeeper keeper;
  private final Counters counters = new Counters();
  private final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
  private final Map<String, Running> running = new HashMap<>();
  private final Map<EspSecurityAssociation, Running> byInbound = new IdentityHashMap<>();
  private final Map<String, ArrayDeque<ByteBuf>> held = new HashMap<>();
  private final Map<String, Early> early = new HashMap<>();
  private String lastFailure;
  private boolean closed;

  /**
   * @param self the node's own address, the outer source of its ESP
   * @param toNetwork takes each outer ESP datagram (and its buffer) the node sends
   * @param toHost takes each inner datagram (and its buffer) that arrived in ESP, always one from
   *     the SA's peer to {@code self}
   * @param keeper where the ESP SAs come from ({@link SaKeeper#IN_MEMORY}, or a node's token)
   */
  public SamEspPath(
      SamClient client,
      Ipv4Address self,
      Peers peers,
      ByteBufAllocator alloc,
      Consumer<ByteBuf> toNetwork,
      Consumer<ByteBuf> toHost,
      Settings settings,
      SaKeeper keeper) {
    this.keeper = keeper;
    this.client = client;
    this.self = self;
    this.peers = peers;
    this.alloc = alloc;
    this.toNetwork = toNetwork;
    this.toHost = toHost;
    this.settings = settings;
    client.onInstalled(this::installed);
  }

  /** ESP from one peer waiting for its SA's install, and the timer that ends the wait. */
  private record Early(ArrayDeque<ByteBuf> datagrams, Scheduler.Timer timer) {}

  public Counters counters() {
    return counters;
  }

  /** Why the manager last gave no SA, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Datagrams held for {@code peer} now. */
  public int heldFor(String peer) {
    ArrayDeque<ByteBuf> queue = held.get(peer);
    return queue == null ? 0 : queue.size();
  }

  /**
   * Stops the path: what it holds is released (counted as dropped for want of an SA), the client no
   * longer tells it of installed SAs, and outcomes that arrive later change nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.onInstalled(sa -> {});
    held.values()
        .forEach(
            queue -> {
              counters.droppedNoSa += queue.size();
              queue.forEach(ByteBuf::release);
            });
    held.clear();
    for (String peer : List.copyOf(early.keySet())) {
      refuseEarly(peer);
    }
  }

  /** One IPv4 datagram from the node's host side; the path takes its buffer. */
  public void send(ByteBuf datagram) {
    if (closed) {
      counters.droppedNoSa++;
      datagram.release();
      return;
    }
    Ipv4Packet inner;
    try {
      inner = Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      counters.malformed++;
      datagram.release();
      return;
    }
    String peer = peers.nodeAt(inner.destinationAddress());
    if (peer == null) {
      counters.droppedNoPeer++;
      datagram.release();
      return;
    }
    Running sa = current(peer);
    if (sa != null && !held.containsKey(peer)) {
      if (seal(sa, inner)) {
        counters.sentAtOnce++;
      }
      datagram.release();
      return;
    }
    ArrayDeque<ByteBuf> queue = held.get(peer);
    boolean asking = queue != null;
    if (!asking) {
      queue = new ArrayDeque<>();
      held.put(peer, queue);
    }
    if (queue.size() >= settings.heldPerPeer()) {
      counters.droppedHeldFull++;
      datagram.release();
    } else {
      queue.add(datagram);
      counters.held++;
    }
    if (!asking) {
      client.connect(
          peer,
          new SamClient.Outcome() {
            @Override
            public void ready(InstalledSa installed) {
              release(peer);
            }

            @Override
            public void failed(long kinkError, String reason) {
              lastFailure = reason;
              ArrayDeque<ByteBuf> dropped = held.remove(peer);
              if (dropped != null) {
                counters.droppedNoSa += dropped.size();
                dropped.forEach(ByteBuf::release);
              }
            }
          });
    }
  }

  /** One datagram from the network addressed to the node: ESP is opened and handed on. */
  public void receive(ByteBuf datagram) {
    if (closed) {
      datagram.release();
      return;
    }
    try {
      open(datagram, true);
    } finally {
      datagram.release();
    }
  }

  /**
   * Opens one datagram and hands on what it carries; one from a peer under an SPI not installed yet
   * is held for the install if {@code mayWait} and there is room (the path keeps a reference).
   */
  private void open(ByteBuf datagram, boolean mayWait) {
    try {
      Ipv4Packet outer = Ipv4Packet.parse(datagram);
      if (outer.protocol() != IpProtocol.ESP || outer.payloadLength() < 8) {
        counters.notEsp++;
        return;
      }
      int spi = outer.buffer().getInt(outer.payloadOffset());
      EspSecurityAssociation inbound = sad.lookup(spi, outer.destination(), outer.source());
      if (inbound == null) {
        if (!mayWait || !waitForInstall(outer, datagram)) {
          refuse(EspException.Reason.UNKNOWN_SPI);
        }
        return;
      }
      Running sa = byInbound.get(inbound);
      if (!sa.sa().validAt(client.clock().unixMillis())) {
        refuse(EspException.Reason.EXPIRED);
        return;
      }
      ByteBuf inner = inbound.decapsulate(alloc, outer);
      if (inner != null) {
        deliver(sa, inner);
      }
    } catch (MalformedPacketException e) {
      counters.malformed++;
    } catch (EspException e) {
      refuse(e.reason());
    }
  }

  /** Holds ESP from a peer to this node until the peer's SA is installed; false: no room. */
  private boolean waitForInstall(Ipv4Packet outer, ByteBuf datagram) {
    String peer = peers.nodeAt(outer.sourceAddress());
    if (peer == null || !outer.destinationAddress().equals(self)) {
      return false;
    }
    Early waiting = early.get(peer);
    if (waiting == null) {
      if (settings.earlyPerPeer() == 0) {
        return false;
      }
      Scheduler.Timer timer =
          client
              .scheduler()
              .schedule(settings.earlyMillis(), TimeUnit.MILLISECONDS, () -> refuseEarly(peer));
      waiting = new Early(new ArrayDeque<>(), timer);
      early.put(peer, waiting);
    }
    if (waiting.datagrams().size() >= settings.earlyPerPeer()) {
      return false;
    }
    waiting.datagrams().add(datagram.retain());
    counters.heldForInstall++;
    return true;
  }

  /** An SA is in, granted or pushed: ESP its peer sent ahead of it is opened now. */
  private void installed(InstalledSa sa) {
    install(sa);
    Early waiting = early.remove(sa.peer());
    if (waiting == null) {
      return;
    }
    waiting.timer().cancel();
    for (ByteBuf datagram : waiting.datagrams()) {
      try {
        open(datagram, false);
      } finally {
        datagram.release();
      }
    }
  }

  /** The wait for a peer's install ended without it: what it sent ahead is refused. */
  private void refuseEarly(String peer) {
    Early waiting = early.remove(peer);
    if (waiting == null) {
      return;
    }
    waiting.timer().cancel();
    for (ByteBuf datagram : waiting.datagrams()) {
      refuse(EspException.Reason.UNKNOWN_SPI);
      datagram.release();
    }
  }

  /**
   * Hands on an opened datagram only if the SA's selectors cover it: from the peer the SA was made
   * with, to this node. Anything else would let one node inject traffic under another's name or use
   * this node as a relay into the network behind it.
   */
  private void deliver(Running sa, ByteBuf inner) {
    boolean covered;
    try {
      Ipv4Packet ip = Ipv4Packet.parse(inner);
      covered = ip.sourceAddress().equals(sa.peerAddress()) && ip.destinationAddress().equals(self);
    } catch (MalformedPacketException e) {
      counters.malformed++;
      inner.release();
      return;
    }
    if (!covered) {
      counters.outsideSelectors++;
      inner.release();
      return;
    }
    counters.received++;
    toHost.accept(inner);
  }

  /** The SA with {@code peer} if the node's SAD holds a valid one, running. */
  private Running current(String peer) {
    InstalledSa sa = client.sa(peer);
    if (sa == null) {
      return null;
    }
    Running now = running.get(peer);
    return now != null && now.sa() == sa ? now : install(sa);
  }

  private Running install(InstalledSa sa) {
    Running before = running.get(sa.peer());
    if (before != null
        && before.sa().outbound().equals(sa.outbound())
        && before.sa().inbound().equals(sa.inbound())) {
      Running same = new Running(sa, before.peerAddress(), before.outbound(), before.inbound());
      running.put(sa.peer(), same);
      byInbound.put(same.inbound(), same);
      return same;
    }
    Ipv4Address at = peers.addressOf(sa.peer());
    if (at == null) {
      return null;
    }
    if (before != null) {
      sad.remove(before.inbound());
      byInbound.remove(before.inbound());
    }
    SaKeeper.Running esp = keeper.run(sa, self, at, settings.replayWindow());
    if (before != null) {
      keeper.replaced(before.sa(), sa);
    }
    return start(new Running(sa, at, esp.outbound(), esp.inbound()));
  }

  private Running start(Running now) {
    sad.add(now.inbound());
    byInbound.put(now.inbound(), now);
    running.put(now.sa().peer(), now);
    return now;
  }

  /**
   * An SA the node held before it restarted, its ESP SAs reopened from where they were kept: it is
   * put into the client's SAD and runs at once, so the first datagram to that peer leaves with no
   * message to the manager. False, and nothing changes, when the SA has ended, its peer is unknown
   * or the SAD holds a valid SA with that peer already.
   */
  public boolean restore(InstalledSa sa, SaKeeper.Running esp) {
    Ipv4Address at = peers.addressOf(sa.peer());
    if (closed || at == null || !client.restore(sa)) {
      return false;
    }
    start(new Running(sa, at, esp.outbound(), esp.inbound()));
    return true;
  }

  /** Sends what was held for {@code peer}, in the order it came, now that its SA is in. */
  private void release(String peer) {
    ArrayDeque<ByteBuf> queue = held.remove(peer);
    if (queue == null) {
      return;
    }
    Running sa = current(peer);
    for (ByteBuf datagram : queue) {
      try {
        if (sa == null) {
          counters.droppedNoSa++;
        } else if (seal(sa, Ipv4Packet.parse(datagram))) {
          counters.sentAfterWait++;
        }
      } catch (MalformedPacketException e) {
        counters.malformed++;
      } finally {
        datagram.release();
      }
    }
  }

  private boolean seal(Running sa, Ipv4Packet inner) {
    try {
      ByteBuf esp = sa.outbound().encapsulate(alloc, inner, settings.ttl());
      if (!keeper.sent(sa.outbound())) {
        esp.release();
        counters.droppedNoSa++;
        return false;
      }
      toNetwork.accept(esp);
      return true;
    } catch (EspException e) {
      refuse(e.reason());
      return false;
    }
  }

  private void refuse(EspException.Reason reason) {
    counters.refused.merge(reason, 1L, Long::sum);
  }
}
