package io.mvpn.benchmarks.sam;

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
 * SAs a security association manager hands out per second on one core, both ends on the benchmark
 * thread as {@code IkeSetupBenchmark} runs both IKE engines, so the two read side by side: {@code
 * grant}, what every request to a manager costs since each gets a new pair (SAM_REQUEST, a pair
 * derived from the ticket the manager holds for the peer, SAM_GRANT, SAM_INSTALL and REPLY); {@code
 * cached}, a node holding its SA starts another session (its SAD answers, no message). Kerberos is
 * real (AP-REQ, AP-REP, KINK checksums and KINK_ENCRYPT under AES-256); the KDC is not asked while
 * measuring. Baseline in the same run: one AP-REQ made and checked with nothing around it, the
 * Kerberos work every request carries.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'SamGrantBenchmark|IkeSetupBenchmark'
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamGrantBenchmark {

  @Param({"grant", "cached"})
  public String pair;

  private SamLab lab;
  private boolean cached;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    lab = new SamLab();
    cached = pair.equals("cached");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lab.close();
  }

  @Benchmark
  public Object handOut() {
    return cached ? lab.fromSad() : lab.handOut();
  }

  @Benchmark
  public Object baselineApReqMadeAndChecked() throws Exception {
    return lab.baselineApReq();
  }
}
