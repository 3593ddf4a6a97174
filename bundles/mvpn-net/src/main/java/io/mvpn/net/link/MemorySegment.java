package io.mvpn.net.link;

import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory multi-access link (an Ethernet segment or a radio channel, without the link layer):
 * every attached interface can reach every other by its IPv4 address, or all of them by broadcast
 * (255.255.255.255, the subnet's broadcast, or any multicast group).
 *
 * <p>Each datagram waits for the sender's previous ones to be serialized at the link's rate, then
 * travels for the delay plus a random jitter; arrivals from one sender keep their order (jitter
 * never reorders, as on a real wire). Loss is drawn per receiver, so a broadcast may reach some
 * neighbours and not others. All randomness comes from the segment's seed: in virtual time the same
 * seed gives the same run.
 */
public final class MemorySegment {

  private final String name;
  private volatile LinkProperties properties;
  private final SplittableRandom random;
  private final List<Port> ports = new ArrayList<>();
  private final IntObjectMap<Port> byAddress = new IntObjectHashMap<>();
  private long delivered;
  private long lost;
  private long noNeighbour;
  private long oversize;

  public MemorySegment(String name, LinkProperties properties, long seed) {
    this.name = Objects.requireNonNull(name, "name");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.random = new SplittableRandom(seed);
  }

  public String name() {
    return name;
  }

  public LinkProperties properties() {
    return properties;
  }

  /**
   * Changes how the link behaves from now on (a loss burst, say, and its end); datagrams already on
   * the wire arrive as they were sent.
   */
  public synchronized void changeProperties(LinkProperties changed) {
    this.properties = Objects.requireNonNull(changed, "properties");
  }

  /** A new attachment point: give it to {@code Vrf.addInterface} as the interface's transport. */
  public Transport newPort() {
    return new Port();
  }

  public synchronized int attachments() {
    return ports.size();
  }

  public synchronized long delivered() {
    return delivered;
  }

  public synchronized long lost() {
    return lost;
  }

  /** Unicast datagrams for a next hop no attached interface holds (what ARP would fail on). */
  public synchronized long noNeighbour() {
    return noNeighbour;
  }

  public synchronized long oversize() {
    return oversize;
  }

  private synchronized void sendToStation(Port from, ByteBuf datagram, int station) {
    Port to = null;
    for (Port p : ports) {
      if (p.station == station) {
        to = p;
      }
    }
    if (to == null || to == from) {
      try {
        noNeighbour++;
      } finally {
        datagram.release();
      }
      return;
    }
    sendTo(from, datagram, to);
  }

  private void sendTo(Port from, ByteBuf datagram, Port to) {
    try {
      if (datagram.readableBytes() > properties.mtu()) {
        oversize++;
        return;
      }
      long now = from.owner.scheduler().nanoTime();
      deliver(from, to, datagram, departure(from, datagram, now) - now);
    } finally {
      datagram.release();
    }
  }

  /** When a datagram the sender puts on the wire now arrives (rate, delay, jitter, order). */
  private long departure(Port from, ByteBuf datagram, long now) {
    long serialization =
        properties.rateBitsPerSecond() == 0
            ? 0
            : datagram.readableBytes() * 8L * 1_000_000_000L / properties.rateBitsPerSecond();
    from.busyUntil = Math.max(now, from.busyUntil) + serialization;
    long jitter = properties.jitterNanos() == 0 ? 0 : random.nextLong(properties.jitterNanos() + 1);
    long arrival = Math.max(from.busyUntil + properties.delayNanos() + jitter, from.lastArrival);
    from.lastArrival = arrival;
    return arrival;
  }

  private synchronized void send(Port from, ByteBuf datagram, int nextHop) {
    try {
      if (datagram.readableBytes() > properties.mtu()) {
        oversize++;
        return;
      }
      long now = from.owner.scheduler().nanoTime();
      long arrival = departure(from, datagram, now);
      if (isBroadcast(from, nextHop)) {
        for (Port to : ports) {
          if (to != from) {
            deliver(from, to, datagram, arrival - now);
          }
        }
      } else {
        Port to = byAddress.get(nextHop);
        if (to == null || to == from) {
          noNeighbour++;
          return;
        }
        deliver(from, to, datagram, arrival - now);
      }
    } finally {
      datagram.release();
    }
  }

  private static boolean isBroadcast(Port from, int nextHop) {
    return nextHop == -1
        || (nextHop & 0xF0000000) == 0xE0000000
        || nextHop == from.owner.broadcastAddress();
  }

  private void deliver(Port from, Port to, ByteBuf datagram, long delayNanos) {
    if (properties.loss() > 0 && random.nextDouble() < properties.loss()) {
      lost++;
      return;
    }
    delivered++;
    ByteBuf copy = datagram.retainedDuplicate();
    Interface receiver = to.owner;
    int station = from.station;
    receiver
        .scheduler()
        .schedule(delayNanos, TimeUnit.NANOSECONDS, () -> receiver.receive(copy, station));
  }

  /**
   * A port's station, like a MAC address a property of the interface, not of the order ports were
   * made in: an interface that is built again (after a restart or a bundle update) gets its old
   * station, so what an agent remembered by station (its visitors) still points at the same node.
   */
  private int stationFor(Interface owner) {
    int station = ((owner.vrf().name() + "/" + owner.name()).hashCode() & 0xFFFFFF) + 1;
    while (stationTaken(station)) {
      station = station % 0xFFFFFF + 1;
    }
    return station;
  }

  private boolean stationTaken(int station) {
    for (Port p : ports) {
      if (p.station == station) {
        return true;
      }
    }
    return false;
  }

  private final class Port implements Transport {

    private int station = Interface.NO_STATION;
    private Interface owner;
    private long busyUntil = Long.MIN_VALUE;
    private long lastArrival = Long.MIN_VALUE;

    @Override
    public void sendToStation(ByteBuf datagram, int to) {
      MemorySegment.this.sendToStation(this, datagram, to);
    }

    @Override
    public void attach(Interface owner) {
      synchronized (MemorySegment.this) {
        if (this.owner != null) {
          throw new IllegalStateException("port already attached to " + this.owner.name());
        }
        this.owner = owner;
        station = stationFor(owner);
        ports.add(this);
        byAddress.put(owner.address().toInt(), this);
      }
    }

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      MemorySegment.this.send(this, datagram, nextHop);
    }

    @Override
    public void announce(int address) {
      synchronized (MemorySegment.this) {
        byAddress.put(address, this);
      }
    }

    @Override
    public void withdraw(int address) {
      synchronized (MemorySegment.this) {
        if (byAddress.get(address) == this) {
          byAddress.remove(address);
        }
      }
    }

    @Override
    public int mtu() {
      return properties.mtu();
    }

    @Override
    public String describe() {
      return "mem:" + name;
    }

    @Override
    public void close() {
      synchronized (MemorySegment.this) {
        ports.remove(this);
        if (owner != null && byAddress.get(owner.address().toInt()) == this) {
          byAddress.remove(owner.address().toInt());
        }
      }
    }
  }
}
