package io.mvpn.ike.interop;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.host.UdpIkeSockets;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.SadInstaller;
import io.mvpn.ike.sa.UdpEncapsulation;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link IkeEngine} on real UDP sockets: port 500, and port 4500 with the 4-byte non-ESP marker
 * (RFC 3948 §2.2) for when NAT detection moves the peer there (RFC 7296 §2.23). The engine runs on
 * one Netty event loop thread in real time; a reader thread per socket hands it the datagrams.
 *
 * <p>Datagrams on 4500 without the marker are ESP in UDP (RFC 3948): the runner finds the inbound
 * SA by SPI in the SAD the engine fills, opens it on the engine's thread and checks the inner
 * datagram against the Child SA's selectors. It answers an ICMP echo request to one of its {@link
 * #hosts} itself, through the Child SA's outbound SA, as a host behind the tunnel would, and queues
 * every other inner datagram in {@link #delivered}. {@link #sendEsp} seals a datagram with a Child
 * SA and sends it in UDP from 4500 to where the IKE SA's encapsulation says.
 */
final class UdpIkeRunner implements AutoCloseable {

  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  private final DefaultEventLoop loop = new DefaultEventLoop(new DefaultThreadFactory("ike"));
  private final DatagramSocket ike;
  private final DatagramSocket natT;

  /** The port 500 and 4500 sockets of each local address, the first one's included. */
  private final java.util.Map<Ipv4Address, DatagramSocket[]> sockets = new ConcurrentHashMap<>();

  private final IkeEngine engine;
  final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
  final BlockingQueue<IkeSa> established = new LinkedBlockingQueue<>();
  final List<IkeSa> ended = new CopyOnWriteArrayList<>();
  final List<String> trace = new CopyOnWriteArrayList<>();
  final AtomicInteger espReceived = new AtomicInteger();

  /** ESP that found no SA, did not open or carried a datagram outside the Child SA's selectors. */
  final List<String> espRefused = new CopyOnWriteArrayList<>();

  /** Inner datagrams that came through a Child SA and that the runner did not answer itself. */
  final BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();

  /** Addresses behind the tunnel at this end that answer pings. */
  final Set<Ipv4Address> hosts = ConcurrentHashMap.newKeySet();

  final AtomicInteger echoesAnswered = new AtomicInteger();

  UdpIkeRunner(Ipv4Address address, PeerConfig config) throws IOException {
    InetAddress inet = InetAddress.getByAddress(address.toBytes());
    ike = new DatagramSocket(new InetSocketAddress(inet, Endpoint.IKE_PORT));
    natT = new DatagramSocket(new InetSocketAddress(inet, Endpoint.NAT_T_PORT));
    IkeEngine.Listener listener = IkeEngine.Listener.of(established::add, ended::add);
    engine =
        new IkeEngine(
            new EventLoopScheduler(loop),
            this::send,
            new Endpoint(address, Endpoint.IKE_PORT),
            config,
            EngineSettings.defaults(),
            new SecureRandom(),
            new SadInstaller(sad, listener));
    sockets.put(address, new DatagramSocket[] {ike, natT});
    reader(ike, address);
    reader(natT, address);
  }

  /**
   * Binds ports 500 and 4500 of another local address too, so that the engine can move an SA there
   * (MOBIKE, RFC 4555) and send from it.
   */
  void addAddress(Ipv4Address address) throws IOException {
    InetAddress inet = InetAddress.getByAddress(address.toBytes());
    DatagramSocket plain = new DatagramSocket(new InetSocketAddress(inet, Endpoint.IKE_PORT));
    DatagramSocket encapsulated =
        new DatagramSocket(new InetSocketAddress(inet, Endpoint.NAT_T_PORT));
    sockets.put(address, new DatagramSocket[] {plain, encapsulated});
    reader(plain, address);
    reader(encapsulated, address);
  }

  /** The socket a datagram from {@code source} leaves by: its address's, 500 or 4500. */
  private DatagramSocket socketFor(Endpoint source) {
    DatagramSocket[] pair = sockets.get(source.address());
    if (pair == null) {
      throw new IllegalStateException("no socket on " + source);
    }
    return source.port() == Endpoint.NAT_T_PORT ? pair[1] : pair[0];
  }

  /** Runs {@code task} on the engine's thread and waits for its result. */
  <T> T call(Callable<T> task) throws Exception {
    return loop.submit(task).get(10, TimeUnit.SECONDS);
  }

  IkeEngine engine() {
    return engine;
  }

  private void reader(DatagramSocket socket, Ipv4Address address) {
    Endpoint local = new Endpoint(address, socket.getLocalPort());
    UdpIkeSockets.read(
        socket,
        local,
        "ike-udp-" + socket.getLocalPort(),
        d -> {
          byte[] payload = d.payload();
          if (local.port() == Endpoint.NAT_T_PORT) {
            EspInUdp.Kind kind = EspInUdp.classify(Unpooled.wrappedBuffer(payload));
            if (kind == EspInUdp.Kind.ESP) {
              espReceived.incrementAndGet();
              loop.execute(() -> receiveEsp(d.source(), local, d.payload()));
              return;
            }
            if (kind != EspInUdp.Kind.IKE) {
              return; // NAT keepalive (RFC 3948 §2.3) or too short to be anything
            }
            payload = Arrays.copyOfRange(payload, 4, payload.length);
          }
          Datagram ike = new Datagram(d.source(), local, payload);
          trace.add("<- " + describe(ike));
          loop.execute(() -> engine.receive(ike));
        });
  }

  /**
   * Seals one inner IPv4 datagram with the Child SA's outbound SA and sends it in UDP to the peer's
   * encapsulation endpoint. Call on the engine's thread (see {@link #call}).
   */
  void sendEsp(IkeSa sa, ChildSa child, ByteBuf inner) throws Exception {
    UdpEncapsulation udp =
        sa.udpEncapsulation()
            .orElseThrow(() -> new IllegalStateException("no NAT, no ESP in UDP: " + sa));
    if (udp.local().port() != Endpoint.NAT_T_PORT) {
      throw new IllegalStateException(udp + " is not on this runner's NAT-T port");
    }
    ByteBuf esp = child.outbound().seal(ALLOC, Ipv4Packet.parse(inner.duplicate()));
    try {
      byte[] bytes = ByteBufUtil.getBytes(esp);
      socketFor(udp.local())
          .send(
              new DatagramPacket(
                  bytes,
                  bytes.length,
                  InetAddress.getByAddress(udp.remote().address().toBytes()),
                  udp.remote().port()));
    } finally {
      esp.release();
    }
  }

  /** ESP from {@code from}: opened with its inbound SA, its inner datagram answered or queued. */
  private void receiveEsp(Endpoint from, Endpoint local, byte[] payload) {
    ByteBuf buf = Unpooled.wrappedBuffer(payload);
    int spi = EspInUdp.spi(buf);
    EspSecurityAssociation in = sad.lookup(spi, local.address().toInt(), from.address().toInt());
    if (in == null) {
      espRefused.add(String.format("no SA for SPI %08x from %s", spi, from));
      return;
    }
    ByteBuf inner;
    try {
      inner = in.open(ALLOC, buf, 0, payload.length);
    } catch (EspException e) {
      espRefused.add(e.getMessage());
      return;
    }
    if (inner == null) {
      return; // a dummy packet (RFC 4303 §2.6)
    }
    try {
      Ipv4Packet ip = Ipv4Packet.parse(inner);
      Owner owner = ownerOf(in);
      if (owner == null
          || !covers(owner.child().remoteSelectors(), ip.sourceAddress())
          || !covers(owner.child().localSelectors(), ip.destinationAddress())) {
        // RFC 4301 §5.2: what an SA carries must match its selectors.
        espRefused.add(
            "outside the selectors: " + ip.sourceAddress() + " > " + ip.destinationAddress());
        return;
      }
      if (ip.protocol() == IpProtocol.ICMP && hosts.contains(ip.destinationAddress())) {
        IcmpMessage icmp = IcmpMessage.parse(ip);
        if (icmp.type() == IcmpType.ECHO_REQUEST) {
          ByteBuf reply = IcmpBuilder.echoReply(ALLOC, icmp, ip.destination());
          try {
            sendEsp(owner.sa(), owner.child(), reply);
            echoesAnswered.incrementAndGet();
          } finally {
            reply.release();
          }
          return;
        }
      }
      delivered.add(ByteBufUtil.getBytes(inner));
    } catch (Exception e) {
      espRefused.add(e.toString());
    } finally {
      inner.release();
    }
  }

  private record Owner(IkeSa sa, ChildSa child) {}

  /** The IKE SA and Child SA that {@code inbound} belongs to. */
  private Owner ownerOf(EspSecurityAssociation inbound) {
    for (IkeSa sa : engine.sas()) {
      for (ChildSa child : sa.childSas()) {
        if (child.inbound() == inbound) {
          return new Owner(sa, child);
        }
      }
    }
    return null;
  }

  private static boolean covers(List<TrafficSelector> selectors, Ipv4Address address) {
    int a = address.toInt();
    for (TrafficSelector ts : selectors) {
      if (ts.isIpv4()
          && Integer.compareUnsigned(ts.startIpv4().toInt(), a) <= 0
          && Integer.compareUnsigned(a, ts.endIpv4().toInt()) <= 0) {
        return true;
      }
    }
    return false;
  }

  private void send(Datagram d) {
    trace.add("-> " + describe(d));
    try {
      UdpIkeSockets.send(socketFor(d.source()), d, d.source().port() == Endpoint.NAT_T_PORT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Datagram d) {
    byte[] p = d.payload();
    String what =
        p.length >= 28 ? (p[18] & 0xFF) + ((p[19] & 0x20) != 0 ? "R" : "") + " mid " + p[23] : "?";
    return d.source() + " > " + d.destination() + " " + what + " " + p.length + " B";
  }

  @Override
  public void close() {
    for (DatagramSocket[] pair : sockets.values()) {
      pair[0].close();
      pair[1].close();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
