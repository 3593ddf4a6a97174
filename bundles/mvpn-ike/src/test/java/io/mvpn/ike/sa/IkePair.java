package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Two engines, a mobile node (initiator) and a gateway (responder), joined by an in-memory link
 * with 1 ms of latency in virtual time. The link logs every datagram sent and drops those a test
 * chooses to lose.
 */
final class IkePair implements Transport {

  static final Endpoint MN = Endpoint.of("203.0.113.61", 500);
  static final Endpoint GW = Endpoint.of("198.51.100.10", 500);
  static final Identity MN_ID = Identity.fqdn("mn1.example.net");
  static final Identity GW_ID = Identity.ipv4(Ipv4Address.parse("198.51.100.10"));
  static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);

  final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  final List<Datagram> sent = new ArrayList<>();
  final List<IkeSa> established = new ArrayList<>();
  final List<IkeSa> ended = new ArrayList<>();

  /** The gateway's inbound ESP SAs, installed as its IKE SAs come and go. */
  final SecurityAssociationDatabase gwSad = new SecurityAssociationDatabase();

  Predicate<Datagram> lose = d -> false;
  UnaryOperator<Datagram> translate = d -> d;
  final Map<Endpoint, IkeEngine> engines = new HashMap<>();
  final IkeEngine initiator;
  final IkeEngine responder;
  private final IkeEngine.Listener listener;

  IkePair(PeerConfig mn, PeerConfig gw, EngineSettings gwSettings) {
    listener = IkeEngine.Listener.of(established::add, ended::add);
    SecureRandom random = new SecureRandom();
    initiator = new IkeEngine(scheduler, this, MN, mn, EngineSettings.defaults(), random, listener);
    responder =
        new IkeEngine(
            scheduler, this, GW, gw, gwSettings, random, new SadInstaller(gwSad, listener));
    engines.put(MN, initiator);
    engines.put(GW, responder);
  }

  IkePair() {
    this(mnConfig(), gwConfig(), EngineSettings.defaults());
  }

  static TrafficSelector range(String start, String end) {
    return TrafficSelector.ipv4(Ipv4Address.parse(start), Ipv4Address.parse(end));
  }

  /** Asks for 10.1.0.0/16 on its side and anything on the gateway's. */
  static PeerConfig mnConfig() {
    return PeerConfig.of(
        MN_ID,
        GW_ID,
        new PskAuthenticator(PSK),
        List.of(range("10.1.0.0", "10.1.255.255")),
        List.of(range("0.0.0.0", "255.255.255.255")));
  }

  /** Allows 10.2.0.0/16 behind itself and 10.1.0.0/24 behind the mobile node. */
  static PeerConfig gwConfig() {
    return PeerConfig.of(
        GW_ID,
        MN_ID,
        new PskAuthenticator(PSK),
        List.of(range("10.2.0.0", "10.2.255.255")),
        List.of(range("10.1.0.0", "10.1.0.255")));
  }

  @Override
  public void send(Datagram datagram) {
    sent.add(datagram);
    if (lose.test(datagram)) {
      return;
    }
    Datagram arriving = translate.apply(datagram);
    IkeEngine to = engineAt(arriving.destination());
    if (to != null) {
      scheduler.schedule(1, TimeUnit.MILLISECONDS, () -> to.receive(arriving));
    }
  }

  /** Injects a datagram as if it came from the wire. */
  void deliver(Datagram datagram) {
    scheduler.execute(() -> engineAt(datagram.destination()).receive(datagram));
  }

  /** The engine at that address, whichever port: each listens on 500 and 4500. */
  private IkeEngine engineAt(Endpoint destination) {
    for (Map.Entry<Endpoint, IkeEngine> e : engines.entrySet()) {
      if (e.getKey().address().equals(destination.address())) {
        return e.getValue();
      }
    }
    return null;
  }

  IkeSa start() {
    return start(initiator);
  }

  /** Another initiator on the same link, e.g. a second mobile node for the same gateway. */
  IkeEngine addInitiator(Endpoint at, PeerConfig config) {
    IkeEngine engine =
        new IkeEngine(
            scheduler, this, at, config, EngineSettings.defaults(), new SecureRandom(), listener);
    engines.put(at, engine);
    return engine;
  }

  /** {@code from} starts IKE_SA_INIT and IKE_AUTH towards the gateway. */
  IkeSa start(IkeEngine from) {
    IkeSa[] sa = new IkeSa[1];
    scheduler.execute(() -> sa[0] = from.initiate(GW));
    scheduler.runPending();
    return sa[0];
  }

  void run(long millis) {
    scheduler.advance(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * The gateway refused {@code mn} in IKE_AUTH: one exchange each way, AUTHENTICATION_FAILED, no SA
   * left at either end and nothing established or installed.
   */
  void assertAuthenticationFailed(IkeSa mn) {
    assertThat(flow()).containsExactly("34", "34R", "35", "35R");
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(mn.failure()).isEqualTo(NotifyPayload.AUTHENTICATION_FAILED);
    assertThat(mn.childSas()).isEmpty();
    assertThat(established).isEmpty();
    assertThat(initiator.sas()).isEmpty();
    assertThat(responder.sas()).isEmpty();
    assertThat(gwSad.all()).isEmpty();
  }

  /** The responder's SA for an initiator's, or null. */
  IkeSa peerOf(IkeSa sa) {
    return responder.sa(sa.spiR());
  }

  /** Every datagram sent so far as UDP in a pcapng file, 1 ms apart, for tshark. */
  void writePcap(java.nio.file.Path pcap) throws java.io.IOException {
    try (var writer =
        new io.mvpn.net.capture.PcapngWriter(
            java.nio.channels.FileChannel.open(
                pcap,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE),
            "ike")) {
      long t = 0;
      for (Datagram d : sent) {
        io.netty.buffer.ByteBuf udp =
            io.mvpn.packet.udp.UdpDatagram.build(
                io.netty.buffer.ByteBufAllocator.DEFAULT,
                d.source().address().toInt(),
                d.destination().address().toInt(),
                d.source().port(),
                d.destination().port(),
                io.netty.buffer.Unpooled.wrappedBuffer(d.payload()),
                64);
        writer.write(t += 1_000_000, udp);
        udp.release();
      }
    }
  }

  /** Exchange types and R flags of the datagrams sent so far, e.g. "34 35 35R". */
  List<String> flow() {
    List<String> out = new ArrayList<>();
    for (Datagram d : sent) {
      byte[] p = d.payload();
      out.add((p[18] & 0xFF) + ((p[19] & 0x20) != 0 ? "R" : ""));
    }
    return out;
  }
}
