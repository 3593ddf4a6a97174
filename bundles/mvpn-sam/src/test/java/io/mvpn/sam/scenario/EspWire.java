package io.mvpn.sam.scenario;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.sam.client.SamEspPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The nodes' data network in virtual time: each IPv4 datagram a node's ESP path sends reaches the
 * path at its destination address {@link VirtualWire#ONE_WAY_MILLIS} later, and is logged with the
 * time it left.
 */
final class EspWire {

  record Sent(long atNanos, Ipv4Address from, Ipv4Address to, int protocol, byte[] bytes) {}

  private final Scheduler time;
  private final Map<Ipv4Address, SamEspPath> nodes = new HashMap<>();
  private final List<Sent> sent = new ArrayList<>();

  EspWire(Scheduler time) {
    this.time = time;
  }

  void attach(Ipv4Address at, SamEspPath path) {
    nodes.put(at, path);
  }

  /** What a node's path hands the network. */
  void send(ByteBuf datagram) {
    Ipv4Packet packet;
    try {
      packet = Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      throw new AssertionError("a node sent no IPv4: " + e.getMessage());
    }
    sent.add(
        new Sent(
            time.nanoTime(),
            packet.sourceAddress(),
            packet.destinationAddress(),
            packet.protocol(),
            ByteBufUtil.getBytes(datagram)));
    SamEspPath to = nodes.get(packet.destinationAddress());
    if (to == null) {
      datagram.release();
      return;
    }
    time.schedule(VirtualWire.ONE_WAY_MILLIS, TimeUnit.MILLISECONDS, () -> to.receive(datagram));
  }

  /** Every datagram sent so far, in order. */
  List<Sent> sent() {
    return List.copyOf(sent);
  }
}
