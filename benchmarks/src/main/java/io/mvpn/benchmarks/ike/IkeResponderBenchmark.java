package io.mvpn.benchmarks.ike;

import io.mvpn.ike.sa.Datagram;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The responder's share of one IKE_SA + CHILD_SA setup, timed alone ({@link IkeResponderLab}: an
 * initiator and a responder engine on an in-memory wire, on the benchmark thread). {@code
 * responderIkeSaInit}: the responder takes an IKE_SA_INIT request (parse, proposal choice, its D-H
 * key pair and agreement, key schedule, the answer encoded); {@code responderIkeAuth}: it takes the
 * IKE_AUTH request that follows (decrypt, the initiator's AUTH and certificate checked, its own
 * AUTH, the Child SA's keys, the answer encrypted). The initiator's work and the INFORMATIONAL
 * delete that frees the SA run in the per-invocation fixtures, outside the timing. One responder
 * setup costs the sum of the two; setups per second per core are 10^6 / (sum in µs).
 *
 * <p>Baseline in the same run, {@code baselineResponderCrypto}: the public-key work the responder
 * cannot avoid, through the implementations the engine uses ({@link
 * IkeResponderLab#baselineResponderCrypto}). AES-GCM and HMAC are left out of it: here they count
 * as the engine's overhead (a few µs, see {@code IkePrimitivesBenchmark}).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar IkeResponderBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IkeResponderBenchmark {

  /** {@code psk} or {@code ecdsa} (P-256 certificates from one CA, RFC 7427 AUTH). */
  @Param({"psk", "ecdsa"})
  public String auth;

  /** The D-H group the initiator offers alone: 31 (X25519) or 19 (ECP-256). */
  @Param({"31", "19"})
  public int group;

  private IkeResponderLab lab;

  @Setup(Level.Trial)
  public void setUp() {
    lab = new IkeResponderLab(auth, group);
  }

  /** The IKE_SA_INIT request of a new SA, ready for the responder. */
  @State(Scope.Thread)
  public static class InitRequest {
    IkeResponderLab lab;
    Datagram request;

    @Setup(Level.Invocation)
    public void next(IkeResponderBenchmark b) {
      lab = b.lab;
      request = lab.initRequest();
    }

    @TearDown(Level.Invocation)
    public void finish() {
      lab.completeAndDelete();
    }
  }

  /** The IKE_AUTH request of a new SA whose IKE_SA_INIT is done, ready for the responder. */
  @State(Scope.Thread)
  public static class AuthRequest {
    IkeResponderLab lab;
    Datagram request;

    @Setup(Level.Invocation)
    public void next(IkeResponderBenchmark b) {
      lab = b.lab;
      lab.respond(lab.initRequest());
      request = lab.authRequest();
    }

    @TearDown(Level.Invocation)
    public void finish() {
      lab.completeAndDelete();
    }
  }

  @Benchmark
  public void responderIkeSaInit(InitRequest prepared) {
    prepared.lab.respond(prepared.request);
  }

  @Benchmark
  public void responderIkeAuth(AuthRequest prepared) {
    prepared.lab.respond(prepared.request);
  }

  @Benchmark
  public Object baselineResponderCrypto() throws Exception {
    return lab.baselineResponderCrypto();
  }
}
