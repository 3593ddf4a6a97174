package io.mvpn.benchmarks.ike;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaState;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.ike.sa.Transport;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * IKE_SA + CHILD_SA setups per second on one core: a complete IKE_SA_INIT and IKE_AUTH (PSK,
 * AES-GCM-16-256, PRF HMAC-SHA2-256, ECP-256) between an initiator and a responder engine joined by
 * an in-memory wire, then the INFORMATIONAL delete, so the responder holds no state across
 * operations. Both ends run on the benchmark thread, so the responder alone does better than this
 * figure. Baseline in the same run: the two ECP-256 key pairs and two agreements any such setup
 * needs, with nothing else.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar IkeSetupBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IkeSetupBenchmark {

  static final Endpoint MN = Endpoint.of("203.0.113.61", 500);
  static final Endpoint GW = Endpoint.of("198.51.100.10", 500);
  static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);

  private final ArrayDeque<Datagram> wire = new ArrayDeque<>();
  private VirtualTimeScheduler scheduler;
  private IkeEngine initiator;
  private IkeEngine responder;
  private IkeSa last;
  private KeyPairGenerator ec;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    scheduler = new VirtualTimeScheduler();
    Transport transport = wire::add;
    SecureRandom random = new SecureRandom();
    TrafficSelector any =
        TrafficSelector.ipv4(Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("255.255.255.255"));
    initiator =
        new IkeEngine(
            scheduler,
            transport,
            MN,
            PeerConfig.of(
                Identity.fqdn("mn1.example.net"),
                Identity.ipv4(Ipv4Address.parse("198.51.100.10")),
                new PskAuthenticator(PSK),
                List.of(any),
                List.of(any)),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {});
    responder =
        new IkeEngine(
            scheduler,
            transport,
            GW,
            PeerConfig.of(
                Identity.ipv4(Ipv4Address.parse("198.51.100.10")),
                Identity.fqdn("mn1.example.net"),
                new PskAuthenticator(PSK),
                List.of(any),
                List.of(any)),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {});
    ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
  }

  /** Delivers queued datagrams until the wire is quiet. */
  private void drain() {
    Datagram d;
    while ((d = wire.poll()) != null) {
      (d.destination().address().equals(GW.address()) ? responder : initiator).receive(d);
    }
  }

  @Benchmark
  public IkeSaState setupAndDelete() {
    last = initiator.initiate(GW);
    drain();
    if (last.state() != IkeSaState.ESTABLISHED) {
      throw new IllegalStateException("setup failed: " + last.state());
    }
    initiator.delete(last);
    drain();
    // Timers of finished exchanges fire harmlessly; virtual time keeps their queue short.
    scheduler.advance(1, TimeUnit.MINUTES);
    return last.state();
  }

  @Benchmark
  public byte[] baselineTwoEcdhExchanges() throws Exception {
    KeyPair a = ec.generateKeyPair();
    KeyPair b = ec.generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(a.getPrivate());
    ka.doPhase(b.getPublic(), true);
    byte[] s1 = ka.generateSecret();
    ka.init(b.getPrivate());
    ka.doPhase(a.getPublic(), true);
    byte[] s2 = ka.generateSecret();
    s1[0] ^= s2[0];
    return s1;
  }
}
