package io.mvpn.sam.scenario;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.ike.sa.Transport;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * IKEv2 between two nodes with mvpn's IKE engine, on a link with the same one-way delay as the
 * SAM's: how long after a node starts talking its first datagram may leave in ESP, which is when
 * IKE_AUTH's answer installs the Child SA (RFC 7296 §1.2).
 */
final class Ikev2FirstPacket implements Transport {

  private static final byte[] PSK = "voice needs no key exchange".getBytes(StandardCharsets.UTF_8);

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final Map<Ipv4Address, IkeEngine> engines = new HashMap<>();
  private final List<Datagram> sent = new ArrayList<>();

  /** Milliseconds from {@code a}'s first datagram to B until its Child SA is in. */
  static Result measure(Ipv4Address a, Ipv4Address b) {
    return new Ikev2FirstPacket().run(a, b);
  }

  record Result(long millis, int messages) {}

  private Result run(Ipv4Address a, Ipv4Address b) {
    long[] established = {-1};
    SecureRandom random = new SecureRandom();
    IkeEngine initiator =
        new IkeEngine(
            time,
            this,
            Endpoint.of(a.toString(), 500),
            config(a, b),
            EngineSettings.defaults(),
            random,
            IkeEngine.Listener.of(sa -> established[0] = time.nanoTime(), sa -> {}));
    IkeEngine responder =
        new IkeEngine(
            time,
            this,
            Endpoint.of(b.toString(), 500),
            config(b, a),
            EngineSettings.defaults(),
            random,
            IkeEngine.Listener.of(sa -> {}, sa -> {}));
    engines.put(a, initiator);
    engines.put(b, responder);
    long start = time.nanoTime();
    time.execute(() -> initiator.initiate(Endpoint.of(b.toString(), 500)));
    time.advance(10, TimeUnit.SECONDS);
    if (established[0] < 0) {
      throw new AssertionError("IKEv2 between " + a + " and " + b + " did not finish");
    }
    return new Result((established[0] - start) / 1_000_000, sent.size());
  }

  private static PeerConfig config(Ipv4Address local, Ipv4Address remote) {
    return PeerConfig.of(
        Identity.ipv4(local),
        Identity.ipv4(remote),
        new PskAuthenticator(PSK),
        List.of(TrafficSelector.ipv4(local, local)),
        List.of(TrafficSelector.ipv4(remote, remote)));
  }

  @Override
  public void send(Datagram datagram) {
    sent.add(datagram);
    IkeEngine to = engines.get(datagram.destination().address());
    if (to != null) {
      time.schedule(VirtualWire.ONE_WAY_MILLIS, TimeUnit.MILLISECONDS, () -> to.receive(datagram));
    }
  }
}
