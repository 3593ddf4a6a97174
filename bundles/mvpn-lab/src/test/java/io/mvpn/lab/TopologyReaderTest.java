package io.mvpn.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.probe.PingProbe;
import io.mvpn.net.probe.ProbeReport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TopologyReaderTest {

  private static final String JSON =
      """
      {"seed": 3,
       "segments": [{"name": "ab", "delay": "1.5ms", "jitter": "250us", "loss": 0.01,
                     "rate": 1000000, "mtu": 1400}],
       "nodes": [
         {"name": "a", "vrfs": [{"name": "acme",
            "interfaces": [{"name": "a0", "segment": "ab", "address": "10.1.0.1/24"}],
            "routes": [{"prefix": "10.9.0.0/16", "via": "10.1.0.2"}]}]},
         {"name": "b", "vrfs": [{"name": "acme",
            "interfaces": [{"name": "b0", "segment": "ab", "address": "10.1.0.2/24"}]}]}]}
      """;

  @Test
  void jsonYamlAndTheBuilderDescribeTheSameTopology() throws Exception {
    Topology fromJson = TopologyReader.json(JSON);
    Topology fromBuilder =
        new TopologyBuilder(3)
            .segment("ab", "1.5ms", "250us", 0.01, 1_000_000, 1400)
            .node("a")
            .vrf("acme")
            .iface("a0", "ab", "10.1.0.1/24")
            .route("10.9.0.0/16", "10.1.0.2")
            .node("b")
            .vrf("acme")
            .iface("b0", "ab", "10.1.0.2/24")
            .build();
    assertThat(fromJson).isEqualTo(fromBuilder);
    assertThat(TopologyReader.yaml(JSON)).isEqualTo(fromJson);
    var link = fromJson.segments().get(0).properties();
    assertThat(link.delayNanos()).isEqualTo(1_500_000);
    assertThat(link.jitterNanos()).isEqualTo(250_000);
    assertThat(link.mtu()).isEqualTo(1400);
  }

  @Test
  void mistakesAreReportedWithWhatIsWrong() {
    assertThatThrownBy(
            () ->
                TopologyReader.json(
                    JSON.replace(
                        "\"segment\": \"ab\", \"address\": \"10.1.0.2",
                        "\"segment\": \"xy\", \"address\": \"10.1.0.2")))
        .hasStackTraceContaining("no segment xy");
    assertThatThrownBy(() -> TopologyReader.json(JSON.replace("\"loss\"", "\"lossy\"")))
        .hasMessageContaining("lossy");
    assertThatThrownBy(() -> TopologyReader.json(JSON.replace("1.5ms", "fast")))
        .hasStackTraceContaining("duration 'fast'");
    assertThatThrownBy(() -> TopologyReader.json(JSON.replace("10.1.0.1/24", "10.1.0.300/24")))
        .hasStackTraceContaining("10.1.0.300");
  }

  @Test
  void theSameTopologyRunsInRealTime() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
    try (Lab lab = Lab.realTime(ThreeRouterLabTest.threeRouters(), group)) {
      PingProbe probe =
          PingProbe.start(
              lab.vrf("r1", "acme"),
              Ipv4Address.parse("10.1.23.3"),
              5,
              3,
              10,
              2000,
              TimeUnit.MILLISECONDS,
              56);
      ProbeReport report = probe.report().get(20, TimeUnit.SECONDS);
      assertThat(report.received()).isEqualTo(3);
      // Real time adds scheduling latency to the 20 ms of configured delay, never removes any.
      assertThat(report.minRttNanos()).isGreaterThanOrEqualTo(20_000_000L);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
