package io.mvpn.net.transport.tap;

import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An Ethernet II broadcast link: IPv4 datagrams in frames, next hops resolved by ARP (RFC 826),
 * sources told apart by MAC as stations. What it does on the VRF's scheduler, whatever carries the
 * frames ({@link TapTransport} a Linux TAP device, a test a list):
 *
 * <ul>
 *   <li>answers ARP requests for the interface's address and for addresses {@link #announce}d, and
 *       announces its own address with a gratuitous ARP when attached;
 *   <li>resolves a next hop before sending to it, holding a few datagrams meanwhile; it learns
 *       mappings only from answers to its own requests and refreshes known ones from gratuitous
 *       ARP, never from requests: visitors of a foreign agent share home addresses across tenants
 *       (RFC 5944 §4.6), so "who has X tell Y" says nothing reliable about Y;
 *   <li>sends datagrams for 255.255.255.255, the subnet's broadcast and 224.0.0.0/4 to the
 *       broadcast or group MAC, so agent advertisements and solicitations need no resolution;
 *   <li>gives every source MAC a station number, handed to the interface with each datagram, and
 *       {@link #sendToStation} sends to that MAC whatever the datagram's destination address.
 * </ul>
 *
 * <p>Bad frames are counted by {@link FrameDrop} and on the interface, then dropped.
 */
public abstract class EthernetTransport implements Transport {

  /** Stations remembered at most; a foreign agent's access link rarely has a thousand. */
  public static final int MAX_STATIONS = 4096;

  /**
   * A station silent this long is forgotten, unless held ({@link #holdStation}): a foreign agent
   * holds each visitor's station for as long as its registration lives.
   */
  public static final long STATION_AGE_NANOS = TimeUnit.MINUTES.toNanos(20);

  public static final int MAX_NEIGHBOURS = 1024;

  private final long mac;
  private final int mtu;
  private final StationTable stations = new StationTable(MAX_STATIONS, STATION_AGE_NANOS);
  private final NeighbourTable neighbours = new NeighbourTable(MAX_NEIGHBOURS);
  private final Set<Integer> announced = new HashSet<>();
  private final Map<FrameDrop, LongAdder> drops = new EnumMap<>(FrameDrop.class);
  private final LongAdder framesIn = new LongAdder();
  private final LongAdder framesOut = new LongAdder();
  private final LongAdder arpAnswered = new LongAdder();
  private Interface owner;
  private Scheduler scheduler;

  protected EthernetTransport(long mac, int mtu) {
    if (Ethernet.isGroup(mac)) {
      throw new IllegalArgumentException(Ethernet.format(mac) + " is a group address");
    }
    this.mac = mac;
    this.mtu = mtu;
    for (FrameDrop d : FrameDrop.values()) {
      drops.put(d, new LongAdder());
    }
  }

  /** Puts one frame on the wire; takes ownership of the buffer. On the VRF's scheduler. */
  protected abstract void writeFrame(ByteBuf frame);

  /** The interface this link serves, once attached. */
  protected final Interface owner() {
    return owner;
  }

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    this.scheduler = owner.scheduler();
  }

  /** Announces the interface's address (a gratuitous ARP); on the VRF's scheduler. */
  protected final void announceSelf() {
    int self = owner.address().toInt();
    emit(new Arp(Arp.REQUEST, mac, self, 0, self).frame(owner.vrf().alloc(), Ethernet.BROADCAST));
  }

  /** Handles one frame that arrived; takes ownership. On the VRF's scheduler. */
  protected final void receiveFrame(ByteBuf frame) {
    try {
      framesIn.increment();
      int at = frame.readerIndex();
      if (frame.readableBytes() < Ethernet.HEADER) {
        drop(FrameDrop.RUNT, DropReason.MALFORMED);
        return;
      }
      long destination = Ethernet.readMac(frame, at);
      long source = Ethernet.readMac(frame, at + 6);
      if (destination != mac && !Ethernet.isGroup(destination)) {
        drops.get(FrameDrop.NOT_FOR_US).increment(); // a bridge's flooding: no fault of anyone's
        return;
      }
      if (Ethernet.isGroup(source)) {
        drop(FrameDrop.BAD_SOURCE, DropReason.MALFORMED);
        return;
      }
      int etherType = frame.getUnsignedShort(at + 12);
      frame.skipBytes(Ethernet.HEADER);
      switch (etherType) {
        case Ethernet.ETHERTYPE_IPV4 -> receiveIpv4(frame, source);
        case Ethernet.ETHERTYPE_ARP -> receiveArp(frame);
        default -> drop(FrameDrop.OTHER_ETHERTYPE, DropReason.LINK);
      }
    } finally {
      frame.release();
    }
  }

  private void receiveIpv4(ByteBuf payload, long source) {
    int at = payload.readerIndex();
    int length = payload.readableBytes();
    if (length < 20 || payload.getUnsignedByte(at) >> 4 != 4) {
      badIpv4(length < 20 ? MalformedPacketException.Reason.TRUNCATED : null);
      return;
    }
    int total = payload.getUnsignedShort(at + 2);
    if (total < 20 || total > length) {
      badIpv4(MalformedPacketException.Reason.BAD_TOTAL_LENGTH);
      return;
    }
    long now = scheduler.nanoTime();
    stations.expire(now);
    int station = stations.learn(source, now);
    // Short datagrams arrive padded to the minimum frame: the IPv4 total length says where to stop.
    owner.receive(payload.retainedSlice(at, total), station);
  }

  private void badIpv4(MalformedPacketException.Reason reason) {
    drops.get(FrameDrop.BAD_IPV4).increment();
    if (reason == null) {
      owner.counters().onDrop(DropReason.MALFORMED);
    } else {
      owner.counters().onMalformed(reason);
    }
  }

  private void receiveArp(ByteBuf payload) {
    Arp.Fault[] fault = new Arp.Fault[1];
    Arp arp = Arp.parse(payload, fault);
    if (arp == null) {
      drop(FrameDrop.BAD_ARP, DropReason.MALFORMED);
      return;
    }
    long now = scheduler.nanoTime();
    int sender = arp.senderIp();
    if (sender != 0
        && !Ethernet.isGroup(arp.senderMac())
        && (neighbours.resolving(sender) || (arp.gratuitous() && neighbours.known(sender)))) {
      for (ByteBuf waiting : neighbours.resolve(sender, arp.senderMac(), now)) {
        emitIpv4(arp.senderMac(), waiting);
      }
    }
    if (arp.operation() == Arp.REQUEST && !arp.gratuitous() && answersFor(arp.targetIp())) {
      arpAnswered.increment();
      Arp reply = new Arp(Arp.REPLY, mac, arp.targetIp(), arp.senderMac(), sender);
      emit(reply.frame(owner.vrf().alloc(), arp.senderMac()));
    }
  }

  private boolean answersFor(int address) {
    return address == owner.address().toInt() || announced.contains(address);
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    if (nextHop == -1
        || nextHop == owner.broadcastAddress()
        || datagram.getInt(datagram.readerIndex() + 16) == -1) {
      emitIpv4(Ethernet.BROADCAST, datagram);
      return;
    }
    if ((nextHop >>> 28) == 0xE) {
      emitIpv4(Ethernet.multicastMac(nextHop), datagram);
      return;
    }
    long now = scheduler.nanoTime();
    long to = neighbours.lookup(nextHop, now);
    if (to >= 0) {
      emitIpv4(to, datagram);
      return;
    }
    NeighbourTable.Pending p = neighbours.hold(nextHop, datagram);
    if (p == null) {
      datagram.release();
      drop(FrameDrop.PENDING_FULL, DropReason.LINK);
      return;
    }
    if (p.requests == 0) {
      request(nextHop);
    }
  }

  /** Asks who has the address, and again each second until {@link NeighbourTable#TRIES}. */
  private void request(int address) {
    NeighbourTable.Pending p = neighbours.pending(address);
    if (p == null) {
      return; // answered meanwhile
    }
    if (p.requests >= NeighbourTable.TRIES) {
      for (ByteBuf waiting : neighbours.abandon(address)) {
        waiting.release();
        drop(FrameDrop.UNRESOLVED, DropReason.NO_ROUTE);
      }
      return;
    }
    p.requests++;
    Arp ask = new Arp(Arp.REQUEST, mac, owner.address().toInt(), 0, address);
    emit(ask.frame(owner.vrf().alloc(), Ethernet.BROADCAST));
    scheduler.schedule(NeighbourTable.RETRY_NANOS, TimeUnit.NANOSECONDS, () -> request(address));
  }

  @Override
  public void sendToStation(ByteBuf datagram, int station) {
    long to = stations.macOf(station, scheduler.nanoTime());
    if (to < 0) {
      datagram.release();
      drop(FrameDrop.NO_STATION, DropReason.LINK);
      return;
    }
    emitIpv4(to, datagram);
  }

  @Override
  public boolean holdStation(int station, long untilNanos) {
    return stations.hold(station, untilNanos, scheduler.nanoTime());
  }

  @Override
  public void announce(int address) {
    if (announced.add(address)) {
      emit(
          new Arp(Arp.REQUEST, mac, address, 0, address)
              .frame(owner.vrf().alloc(), Ethernet.BROADCAST));
    }
  }

  @Override
  public void withdraw(int address) {
    announced.remove(address);
  }

  private void emitIpv4(long destination, ByteBuf datagram) {
    try {
      int length = datagram.readableBytes();
      ByteBuf frame =
          owner.vrf().alloc().directBuffer(Math.max(Ethernet.MIN_FRAME, Ethernet.HEADER + length));
      Ethernet.writeHeader(frame, destination, mac, Ethernet.ETHERTYPE_IPV4);
      frame.writeBytes(datagram, datagram.readerIndex(), length);
      if (frame.writerIndex() < Ethernet.MIN_FRAME) {
        frame.writeZero(Ethernet.MIN_FRAME - frame.writerIndex());
      }
      emit(frame);
    } finally {
      datagram.release();
    }
  }

  private void emit(ByteBuf frame) {
    framesOut.increment();
    writeFrame(frame);
  }

  /** Counts a drop here and, as {@code reason}, on the interface. */
  protected final void drop(FrameDrop why, DropReason reason) {
    drops.get(why).increment();
    owner.counters().onDrop(reason);
  }

  /** Releases what waits for resolution; subclasses close their device after. */
  protected final void releaseWaiting() {
    List<ByteBuf> waiting = neighbours.clear();
    waiting.forEach(ByteBuf::release);
  }

  @Override
  public int mtu() {
    return mtu;
  }

  public long mac() {
    return mac;
  }

  public long dropped(FrameDrop why) {
    return drops.get(why).sum();
  }

  public long framesReceived() {
    return framesIn.sum();
  }

  public long framesSent() {
    return framesOut.sum();
  }

  /** ARP requests for this link's addresses answered. */
  public long arpAnswered() {
    return arpAnswered.sum();
  }

  /** Stations known now; on the VRF's scheduler. */
  public int stations() {
    return stations.size();
  }

  /** Next hops resolved now; on the VRF's scheduler. */
  public int neighbours() {
    return neighbours.size();
  }

  /** What {@code mvpn:interfaces} shows after the transport's spec: MAC, tables, bad frames. */
  protected final String linkSummary() {
    long bad = 0;
    for (FrameDrop d : FrameDrop.values()) {
      if (d != FrameDrop.NOT_FOR_US) {
        bad += drops.get(d).sum();
      }
    }
    return Ethernet.format(mac)
        + " stations "
        + stations.size()
        + " arp "
        + neighbours.size()
        + " drops "
        + bad;
  }
}
