package io.mvpn.net.nat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Network address and port translation for UDP (RFC 4787 behaviour: endpoint-independent mapping,
 * an idle timeout): datagrams the inside VRF routes to its default route leave the outside VRF from
 * one public address and a port of our choosing; replies to that port come back in with the inside
 * address and port restored. Other protocols are dropped and counted. This is what puts a mobile
 * node behind a NAT in the lab (RFC 3519).
 *
 * <p>Runs on the scheduler both VRFs share.
 */
public final class Napt {

  /** Mappings idle longer than this are forgotten (RFC 4787 REQ-5: at least 2 minutes). */
  public static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private static final int FIRST_PORT = 40000;

  private record Inside(int address, int port) {}

  private static final class Mapping {
    final Inside inside;
    final int publicPort;
    final Registration binding;
    long lastUsed;

    Mapping(Inside inside, int publicPort, Registration binding, long lastUsed) {
      this.inside = inside;
      this.publicPort = publicPort;
      this.binding = binding;
      this.lastUsed = lastUsed;
    }
  }

  private final Vrf inside;
  private final Vrf outside;
  private final Ipv4Address publicAddress;
  private final Scheduler scheduler;
  private final Map<Inside, Mapping> byInside = new HashMap<>();
  private Interface insideGateway;
  private int nextPort = FIRST_PORT;
  private long translated;
  private long dropped;

  public Napt(Vrf inside, Vrf outside, Ipv4Address publicAddress) {
    this.inside = inside;
    this.outside = outside;
    this.publicAddress = publicAddress;
    this.scheduler = inside.scheduler();
  }

  /** Takes the inside VRF's default route. */
  public void start() {
    insideGateway = inside.addInterface("napt", publicAddress, 32, new Outbound());
    inside.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, insideGateway, Route.Origin.PROTOCOL));
  }

  public int mappings() {
    return byInside.size();
  }

  public long translated() {
    return translated;
  }

  public long dropped() {
    return dropped;
  }

  private Mapping mappingFor(Inside key) {
    long now = scheduler.nanoTime();
    Mapping m = byInside.get(key);
    if (m != null && now - m.lastUsed > IDLE_TIMEOUT_NANOS) {
      m.binding.close();
      byInside.remove(key);
      m = null;
    }
    if (m == null) {
      int port = nextPort++;
      Registration binding = outside.bindUdp(port, (vrf, in, udp) -> inbound(key, udp));
      m = new Mapping(key, port, binding, now);
      byInside.put(key, m);
    }
    m.lastUsed = now;
    return m;
  }

  /** A reply to a mapped port: back in, to the inside address and port. */
  private void inbound(Inside key, UdpDatagram udp) {
    Mapping m = byInside.get(key);
    if (m == null || scheduler.nanoTime() - m.lastUsed > IDLE_TIMEOUT_NANOS) {
      dropped++;
      return;
    }
    translated++;
    insideGateway.receive(
        UdpDatagram.build(
            inside.alloc(),
            udp.ip().source(),
            key.address(),
            udp.sourcePort(),
            key.port(),
            udp.payload(),
            udp.ip().ttl()));
  }

  /** The inside VRF's default route: out through a mapping. */
  private final class Outbound extends EncapsulatingTransport {

    Outbound() {
      super("napt:" + publicAddress, 1500);
    }

    @Override
    protected void forward(Ipv4Packet ip, int nextHop) {
      if (ip.protocol() != IpProtocol.UDP || ip.isFragment()) {
        dropped++;
        owner().counters().onDrop(DropReason.NO_ROUTE);
        return;
      }
      UdpDatagram udp;
      try {
        udp = UdpDatagram.parse(ip);
      } catch (MalformedPacketException e) {
        owner().counters().onMalformed(e.reason());
        return;
      }
      Mapping m = mappingFor(new Inside(ip.source(), udp.sourcePort()));
      translated++;
      outside.send(
          UdpDatagram.build(
              outside.alloc(),
              publicAddress.toInt(),
              ip.destination(),
              m.publicPort,
              udp.destinationPort(),
              udp.payload(),
              ip.ttl()));
    }
  }
}
