package io.mvpn.benchmarks.ike;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * IKE_SA + CHILD_SA setups per second on one core, both ends: a complete IKE_SA_INIT and IKE_AUTH
 * (PSK, AES-GCM-16-256, PRF HMAC-SHA2-256, the group of the run) between an initiator and a
 * responder engine joined by an in-memory wire ({@link IkeResponderLab}), then the INFORMATIONAL
 * delete, so the responder holds no state across operations. Both ends run on the benchmark thread;
 * {@link IkeResponderBenchmark} times the responder alone. Baseline in the same run: the two key
 * pairs and two agreements any such setup needs, with nothing else, through the implementations the
 * engine uses.
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

  /** The D-H group the initiator offers alone: 31 (X25519, the default's first) or 19. */
  @Param({"31", "19"})
  public int group;

  private IkeResponderLab lab;

  @Setup(Level.Trial)
  public void setUp() {
    lab = new IkeResponderLab("psk", group);
  }

  @Benchmark
  public void setupAndDelete() {
    lab.respond(lab.initRequest());
    lab.respond(lab.authRequest());
    lab.completeAndDelete();
  }

  @Benchmark
  public Object baselineTwoExchanges() throws Exception {
    return new Object[] {lab.baselineResponderCrypto(), lab.baselineResponderCrypto()};
  }
}
