package io.mvpn.net;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.route.RoutingTable;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Fragmenter;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A routing instance: a longest-prefix-match table, the addresses that are its own, and a small
 * host stack (ICMP echo, UDP and protocol delivery to registered handlers, ICMP errors). Tenants'
 * VRFs may hold the very same prefixes; nothing crosses from one VRF to another except through a
 * function that does so on purpose (a home agent's tunnel, a workgroup filter).
 *
 * <p>A VRF lives on one {@link Scheduler}: call its methods on that scheduler's thread, or before
 * it carries traffic. Datagram buffers passed in are owned by the VRF from then on.
 */
public final class Vrf {

  private static final Logger LOG = LoggerFactory.getLogger(Vrf.class);

  /** RFC 1122 default TTL for datagrams this VRF originates. */
  public static final int DEFAULT_TTL = 64;

  private final String name;
  private final Scheduler scheduler;
  private final ByteBufAllocator alloc;
  private final RoutingTable<Route> routes = new RoutingTable<>();
  private final Map<String, Interface> interfaces = new LinkedHashMap<>();

  /** Own addresses: the interface holding each, or {@link #NO_INTERFACE} for extra ones. */
  private final IntObjectMap<Object> localAddresses = new IntObjectHashMap<>();

  private static final Object NO_INTERFACE = new Object();

  private final IntObjectMap<UdpHandler> udpHandlers = new IntObjectHashMap<>();
  private final ChecksumFreePorts checksumFree = new ChecksumFreePorts();
  private final ProtocolHandler[] protocolHandlers = new ProtocolHandler[256];
  private final ProtocolHandler[] icmpHandlers = new ProtocolHandler[256];
  private final IntObjectMap<EchoListener> echoListeners = new IntObjectHashMap<>();
  private final List<ProtocolHandler> deliveryObservers = new ArrayList<>();
  private Interface forwarding;
  private final Counters counters = new Counters();
  private final VrfReassembly reassembly;
  private final BadInputLog badInput;
  private final IcmpErrorLimiter icmpErrors;
  private int nextIdentification;
  private final Ipv4Builder udpHeader = Ipv4Builder.create().ttl(DEFAULT_TTL); // one thread's

  public Vrf(String name, Scheduler scheduler, ByteBufAllocator alloc) {
    this.name = Objects.requireNonNull(name, "name");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.alloc = Objects.requireNonNull(alloc, "alloc");
    this.badInput = new BadInputLog(LOG, scheduler, name);
    this.icmpErrors = new IcmpErrorLimiter(scheduler);
    this.reassembly = new VrfReassembly(scheduler, counters);
  }

  public String name() {
    return name;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public ByteBufAllocator alloc() {
    return alloc;
  }

  public Counters counters() {
    return counters;
  }

  /** Where malformed datagrams are reported, as the given tenant's (null: none's). */
  public void reportBadInputTo(SecurityEvents events, String tenant) {
    badInput.reportTo(events, tenant);
  }

  // ---- interfaces, addresses, routes -------------------------------------------------------

  /** Attaches the VRF to a link: adds the interface, its address and its connected route. */
  public Interface addInterface(
      String interfaceName, Ipv4Address address, int prefixLength, Transport transport) {
    if (interfaces.containsKey(interfaceName)) {
      throw new IllegalArgumentException(name + " already has an interface " + interfaceName);
    }
    Interface intf = new Interface(interfaceName, this, address, prefixLength, transport);
    interfaces.put(interfaceName, intf);
    localAddresses.put(address.toInt(), intf);
    routes.put(intf.subnet(), new Route(intf.subnet(), null, intf, Route.Origin.CONNECTED));
    transport.attach(intf);
    return intf;
  }

  /** Detaches an interface: its transport is closed and every route through it removed. */
  public void removeInterface(String interfaceName) {
    Interface intf = interfaces.remove(interfaceName);
    if (intf == null) {
      return;
    }
    localAddresses.remove(intf.address().toInt());
    for (Map.Entry<Prefix, Route> e : routes.entries()) {
      if (e.getValue().via() == intf) {
        routes.remove(e.getKey());
      }
    }
    intf.stopCapture();
    intf.transport().close();
  }

  public List<Interface> interfaces() {
    return List.copyOf(interfaces.values());
  }

  public Interface getInterface(String interfaceName) {
    return interfaces.get(interfaceName);
  }

  /** An address this VRF answers for without it being on an interface (a home agent's, say). */
  public void addLocalAddress(Ipv4Address address) {
    localAddresses.putIfAbsent(address.toInt(), NO_INTERFACE);
  }

  public void removeLocalAddress(Ipv4Address address) {
    if (localAddresses.get(address.toInt()) == NO_INTERFACE) {
      localAddresses.remove(address.toInt());
    }
  }

  public boolean isLocal(int address) {
    return localAddresses.containsKey(address);
  }

  /** Adds (or replaces) a route whose next hop is reached over a connected subnet. */
  public Route addRoute(Prefix prefix, Ipv4Address nextHop, Route.Origin origin) {
    Route toNextHop = routes.lookup(nextHop.toInt());
    if (toNextHop == null || toNextHop.origin() != Route.Origin.CONNECTED) {
      throw new IllegalArgumentException(
          name + ": next hop " + nextHop + " is not on a connected subnet");
    }
    return addRoute(new Route(prefix, nextHop, toNextHop.via(), origin));
  }

  public Route addRoute(Route route) {
    if (route.via().vrf() != this || interfaces.get(route.via().name()) != route.via()) {
      throw new IllegalArgumentException(route.via().name() + " is not an interface of " + name);
    }
    routes.put(route.prefix(), route);
    return route;
  }

  public Route removeRoute(Prefix prefix) {
    return routes.remove(prefix);
  }

  public Route lookup(Ipv4Address destination) {
    return routes.lookup(destination.toInt());
  }

  /** All routes, ordered by prefix. */
  public List<Route> routes() {
    List<Route> all = new ArrayList<>(routes.size());
    routes.forEach((prefix, route) -> all.add(route));
    return all;
  }

  // ---- handlers ----------------------------------------------------------------------------

  /** Delivers UDP datagrams for {@code port} on any of this VRF's addresses to the handler. */
  public Registration bindUdp(int port, UdpHandler handler) {
    checkPort(port);
    Objects.requireNonNull(handler, "handler");
    if (udpHandlers.containsKey(port)) {
      throw new IllegalStateException(name + ": UDP port " + port + " is already bound");
    }
    udpHandlers.put(port, handler);
    checksumFree.bound(port, handler);
    return () -> {
      if (udpHandlers.remove(port, handler)) {
        checksumFree.unbound(port, handler);
      }
    };
  }

  /** Whether {@code port}'s handler takes datagrams without their UDP checksum; any thread. */
  public boolean takesUdpWithoutChecksum(int port) {
    return checksumFree.contains(port);
  }

  /** Delivers datagrams of an IP protocol (other than ICMP and UDP) to the handler. */
  public Registration registerProtocol(int protocol, ProtocolHandler handler) {
    if (protocol == IpProtocol.ICMP
        || protocol == IpProtocol.UDP
        || protocol < 0
        || protocol > 255) {
      throw new IllegalArgumentException("protocol " + protocol + " cannot be registered");
    }
    return register(protocolHandlers, protocol, handler, "protocol");
  }

  /**
   * Shows the observer every datagram delivered here (after reassembly, before its handler), so a
   * routing protocol sees traffic reach its own address. The observer must not keep the packet.
   */
  public Registration observeDeliveries(ProtocolHandler observer) {
    Objects.requireNonNull(observer, "observer");
    deliveryObservers.add(observer);
    return () -> deliveryObservers.remove(observer);
  }

  /** Delivers ICMP messages of one type (router advertisement, say) to the handler. */
  public Registration registerIcmp(int type, ProtocolHandler handler) {
    if (type == IcmpType.ECHO_REQUEST || type == IcmpType.ECHO_REPLY || type < 0 || type > 255) {
      throw new IllegalArgumentException("ICMP type " + type + " is handled by the VRF itself");
    }
    return register(icmpHandlers, type, handler, "ICMP type");
  }

  /** Told of echo replies carrying this identifier, until the registration is closed. */
  public Registration listenForEchoReplies(int identifier, EchoListener listener) {
    if (echoListeners.containsKey(identifier)) {
      throw new IllegalStateException(name + ": echo identifier " + identifier + " is in use");
    }
    echoListeners.put(identifier, listener);
    return () -> echoListeners.remove(identifier, listener);
  }

  private Registration register(
      ProtocolHandler[] table, int index, ProtocolHandler handler, String what) {
    Objects.requireNonNull(handler, "handler");
    if (table[index] != null) {
      throw new IllegalStateException(name + ": " + what + " " + index + " is already handled");
    }
    table[index] = handler;
    return () -> {
      if (table[index] == handler) {
        table[index] = null;
      }
    };
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("UDP port " + port);
    }
  }

  // ---- sending -----------------------------------------------------------------------------

  /** Originates a whole datagram, routed (or delivered here); false, counted, if it cannot go. */
  public boolean send(ByteBuf datagram) {
    return send(datagram, parseOwn(datagram));
  }

  private boolean send(ByteBuf datagram, Ipv4Packet ip) {
    int destination = ip.destination();
    if (isLocal(destination)) {
      // Looped back after the current task, as a real stack would, never re-entrantly.
      scheduler.execute(() -> deliver(null, ip, datagram));
      counters.onSent();
      return true;
    }
    Route route = routes.lookup(destination);
    if (route == null) {
      counters.onDrop(DropReason.NO_ROUTE);
      datagram.release();
      return false;
    }
    counters.onSent();
    return output(route.via(), datagram, ip, route.nextHopFor(destination), null);
  }

  /** Originates a datagram out of one interface, to a link neighbour or the link's broadcast. */
  public boolean send(ByteBuf datagram, Interface via, int nextHop) {
    Ipv4Packet ip = parseOwn(datagram);
    counters.onSent();
    return output(via, datagram, ip, nextHop, null);
  }

  /** Sends a UDP datagram (null source: the route's interface's); the payload is only copied. */
  public boolean sendUdp(
      Ipv4Address source,
      Ipv4Address destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload) {
    ByteBuf copy = UdpDatagram.copyWithRoom(alloc, UdpDatagram.HEADROOM, payload);
    return sendUdpInPlace(source, destination, sourcePort, destinationPort, copy);
  }

  /**
   * As {@link #sendUdp}, for a payload written {@link UdpDatagram#HEADROOM} bytes into its buffer:
   * the headers go in front of it and that buffer is sent, not a copy. Takes the payload over.
   *
   * @throws IllegalArgumentException when the payload has no room in front for the headers or the
   *     datagram would exceed 65535 bytes; the payload is released and counted as {@link
   *     DropReason#MALFORMED}
   */
  public boolean sendUdpInPlace(
      Ipv4Address source,
      Ipv4Address destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload) {
    int dst = destination.toInt();
    int src = source != null ? source.toInt() : sourceFor(dst);
    if (src == 0 && !isLocal(dst)) {
      counters.onDrop(DropReason.NO_ROUTE);
      payload.release();
      return false;
    }
    // A fresh identification each, so fragments of two never mix; encapsulate sets the rest.
    Ipv4Builder header = udpHeader.identification(nextIdentification());
    ByteBuf datagram;
    try {
      datagram = UdpDatagram.encapsulate(header, src, dst, sourcePort, destinationPort, payload);
    } catch (IllegalArgumentException e) {
      counters.onDrop(DropReason.MALFORMED);
      payload.release();
      throw e;
    }
    return send(datagram, Ipv4Packet.ofOwn(datagram)); // the header just written: not parsed again
  }

  /** Sends an ICMP echo request; replies reach the listener registered for the identifier. */
  public boolean ping(Ipv4Address destination, int identifier, int sequence, ByteBuf payload) {
    int src = sourceFor(destination.toInt());
    if (src == 0) {
      counters.onDrop(DropReason.NO_ROUTE);
      return false;
    }
    return send(
        IcmpBuilder.echoRequest(
            alloc, src, destination.toInt(), identifier, sequence, payload, DEFAULT_TTL));
  }

  /** The source address for datagrams this VRF sends to {@code destination}; 0 if unroutable. */
  public int sourceFor(int destination) {
    if (isLocal(destination)) {
      return destination;
    }
    Route route = routes.lookup(destination);
    return route == null ? 0 : route.via().address().toInt();
  }

  /** A fresh IPv4 identification for datagrams this VRF originates. */
  public int nextIdentification() {
    nextIdentification = (nextIdentification + 1) & 0xFFFF;
    return nextIdentification;
  }

  private Ipv4Packet parseOwn(ByteBuf datagram) {
    try {
      return Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      datagram.release();
      throw new IllegalArgumentException(name + ": refusing to send a malformed datagram", e);
    }
  }

  // ---- receiving and forwarding ------------------------------------------------------------

  /** A datagram arrived on one of this VRF's interfaces. Takes ownership. */
  void receive(Interface ingress, ByteBuf datagram) {
    Ipv4Packet ip;
    try {
      ip = Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      counters.onMalformed(e.reason());
      ingress.counters().onMalformed(e.reason());
      badInput.log(ingress, e);
      datagram.release();
      return;
    }
    counters.onReceived();
    int destination = ip.destination();
    if (isLocal(destination)
        || destination == -1
        || destination == ingress.broadcastAddress()
        || (destination & 0xF0000000) == 0xE0000000) {
      deliver(ingress, ip, datagram);
    } else {
      Interface outer = forwarding;
      forwarding = ingress;
      try {
        forward(ingress, ip, datagram);
      } finally {
        forwarding = outer;
      }
    }
  }

  /** Where the datagram being handed to a transport came in (null if this VRF sent it). */
  public Interface forwardingFrom() {
    return forwarding;
  }

  private void forward(Interface ingress, Ipv4Packet ip, ByteBuf datagram) {
    if (ip.ttl() <= 1) {
      counters.onDrop(DropReason.TTL_EXPIRED);
      if (mayAnswerWithError(ip)) {
        send(IcmpBuilder.timeExceeded(alloc, ingress.address().toInt(), 0, ip));
      }
      datagram.release();
      return;
    }
    Route route = routes.lookup(ip.destination());
    if (route == null) {
      counters.onDrop(DropReason.NO_ROUTE);
      if (mayAnswerWithError(ip)) {
        send(
            IcmpBuilder.destinationUnreachable(
                alloc, ingress.address().toInt(), IcmpType.UNREACHABLE_NET, ip, 0));
      }
      datagram.release();
      return;
    }
    ip.decrementTtl();
    counters.onForwarded();
    output(route.via(), datagram, ip, route.nextHopFor(ip.destination()), ingress);
  }

  /**
   * Puts a datagram on a link. One too large for it is cut into fragments if its DF bit is clear
   * (RFC 791, RFC 1812 §5.2.6); with DF set it is dropped, and a forwarded one's sender gets ICMP
   * "fragmentation needed" with the link's MTU (RFC 1191).
   */
  private boolean output(
      Interface via, ByteBuf datagram, Ipv4Packet ip, int nextHop, Interface in) {
    // Bytes past the IPv4 total length (link padding) do not travel on.
    datagram.writerIndex(datagram.readerIndex() + ip.totalLength());
    if (ip.totalLength() <= via.mtu()) {
      via.transmit(datagram, nextHop);
      return true;
    }
    if (Ipv4Fragmenter.canFragment(ip, via.mtu())) {
      List<ByteBuf> fragments = Ipv4Fragmenter.fragment(alloc, ip, via.mtu());
      datagram.release();
      counters.onFragmented(fragments.size());
      via.counters().onFragmented(fragments.size());
      int sent = 0;
      try {
        while (sent < fragments.size()) {
          via.transmit(fragments.get(sent++), nextHop);
        }
      } finally {
        // A transport that threw leaves the fragments after the one it took to nobody else.
        for (int i = sent; i < fragments.size(); i++) {
          fragments.get(i).release();
        }
      }
      return true;
    }
    counters.onDrop(DropReason.MTU_EXCEEDED);
    via.counters().onDrop(DropReason.MTU_EXCEEDED);
    if (in != null && mayAnswerWithError(ip)) {
      send(
          IcmpBuilder.destinationUnreachable(
              alloc,
              in.address().toInt(),
              IcmpType.UNREACHABLE_FRAGMENTATION_NEEDED,
              ip,
              via.mtu()));
    }
    datagram.release();
    return false;
  }

  /**
   * Whether a datagram may be answered with an ICMP error, by its kind then by the rate (a yes
   * counts in it); also for errors a function sends from this VRF (a tunnel entry's).
   */
  public boolean mayAnswerWithError(Ipv4Packet ip) {
    return IcmpBuilder.mayTriggerError(ip) && icmpErrors.tryAcquire();
  }

  /** ICMP errors this VRF did not send because too many were due at once. */
  public long icmpErrorsRateLimited() {
    return icmpErrors.suppressed();
  }

  private void deliver(Interface ingress, Ipv4Packet ip, ByteBuf datagram) {
    try {
      if (ip.isFragment()) {
        ByteBuf whole = reassembly.offer(ip);
        if (whole == null) {
          return;
        }
        datagram.release();
        datagram = whole;
        ip = Ipv4Packet.parse(whole);
      }
      counters.onDelivered();
      for (int i = 0; i < deliveryObservers.size(); i++) {
        deliveryObservers.get(i).receive(this, ingress, ip);
      }
      switch (ip.protocol()) {
        case IpProtocol.ICMP -> deliverIcmp(ingress, ip);
        case IpProtocol.UDP -> deliverUdp(ingress, ip);
        default -> deliverProtocol(ingress, ip);
      }
    } catch (MalformedPacketException e) {
      counters.onMalformed(e.reason());
      if (ingress != null) {
        ingress.counters().onMalformed(e.reason());
      }
      badInput.log(ingress, e);
    } catch (RuntimeException e) {
      counters.onDrop(DropReason.HANDLER_ERROR);
      badInput.handlerFailed(ip, e);
    } finally {
      datagram.release();
    }
  }

  private void deliverUdp(Interface ingress, Ipv4Packet ip) throws MalformedPacketException {
    UdpHandler handler = udpHandlers.get(UdpDatagram.destinationPortOf(ip));
    UdpDatagram udp = UdpDatagram.parse(ip, handler == null || handler.needsChecksum());
    if (handler == null) {
      counters.onDrop(DropReason.NO_UDP_HANDLER);
      if (ingress != null && isLocal(ip.destination()) && mayAnswerWithError(ip)) {
        send(
            IcmpBuilder.destinationUnreachable(
                alloc, ip.destination(), IcmpType.UNREACHABLE_PORT, ip, 0));
      }
      return;
    }
    handler.receive(this, ingress, udp);
  }

  private void deliverProtocol(Interface ingress, Ipv4Packet ip) {
    ProtocolHandler handler = protocolHandlers[ip.protocol()];
    if (handler == null) {
      counters.onDrop(DropReason.NO_PROTOCOL_HANDLER);
      if (ingress != null && isLocal(ip.destination()) && mayAnswerWithError(ip)) {
        send(
            IcmpBuilder.destinationUnreachable(
                alloc, ip.destination(), IcmpType.UNREACHABLE_PROTOCOL, ip, 0));
      }
      return;
    }
    handler.receive(this, ingress, ip);
  }

  private void deliverIcmp(Interface ingress, Ipv4Packet ip) throws MalformedPacketException {
    IcmpMessage icmp = IcmpMessage.parse(ip);
    switch (icmp.type()) {
      case IcmpType.ECHO_REQUEST -> {
        // Answer unicast pings only (RFC 1122 lets a host ignore broadcast ones; we do).
        if (isLocal(ip.destination())) {
          send(IcmpBuilder.echoReply(alloc, icmp, ip.destination()));
        }
      }
      case IcmpType.ECHO_REPLY -> {
        EchoListener listener = echoListeners.get(icmp.identifier());
        if (listener != null) {
          listener.reply(this, icmp);
        }
      }
      default -> {
        ProtocolHandler handler = icmpHandlers[icmp.type()];
        if (handler != null) {
          handler.receive(this, ingress, ip);
        }
      }
    }
  }

  /** Datagrams waiting for more fragments; bounded, so a flood of fragments holds little. */
  public int reassembliesInProgress() {
    return reassembly.inProgress();
  }

  @Override
  public String toString() {
    return "vrf " + name;
  }
}
