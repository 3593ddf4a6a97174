package io.mvpn.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryNaptMappingStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The families of the functions every tenant shares (foreign agent, DNS, NAPT), of the Diameter
 * nodes and of the SA managers, in the shapes their sources report them (the NAPT's from the real
 * NaptManager; the others' sources need a running agent, KDC or node, so their shapes are copied):
 * the scrape keeps every sample, the tenant label included where it is empty, and promtool finds
 * nothing to lint.
 */
class SharedFunctionFamiliesTest {

  /** A foreign agent with visitors of acme's home agent and of one that is not this appliance's. */
  private static final MetricSource FOREIGN_AGENT =
      sink -> {
        String visitors =
            "Mobile nodes on the foreign agent's visitor list now, by their home agent's tenant.";
        sink.gauge("mvpn_foreignagent_visitors", visitors, 2, "agent", "fa1", "tenant", "acme");
        sink.gauge("mvpn_foreignagent_visitors", visitors, 1, "agent", "fa1", "tenant", "");
        String relayed = "Registration messages relayed between mobile nodes and home agents.";
        for (String tenant : List.of("acme", "")) {
          for (String message : List.of("request", "reply")) {
            sink.counter(
                "mvpn_foreignagent_relayed_registrations",
                relayed,
                3,
                "agent",
                "fa1",
                "tenant",
                tenant,
                "message",
                message);
          }
        }
        String replies = "Registration replies sent to visitors by RFC 5944 code.";
        sink.counter(
            "mvpn_foreignagent_registration_replies",
            replies,
            3,
            "agent",
            "fa1",
            "tenant",
            "acme",
            "origin",
            "home_agent",
            "code",
            "0");
        sink.counter(
            "mvpn_foreignagent_registration_replies",
            replies,
            1,
            "agent",
            "fa1",
            "tenant",
            "",
            "origin",
            "foreign_agent",
            "code",
            "78");
      };

  private static final MetricSource DNS =
      sink -> {
        for (String tenant : List.of("acme", "globex", "")) {
          sink.counter("mvpn_dns_queries", "DNS messages received.", 4, "tenant", tenant);
          sink.counter(
              "mvpn_dns_responses",
              "What became of each query.",
              4,
              "tenant",
              tenant,
              "outcome",
              "answer");
        }
      };

  /**
   * The real NAPT, two public ports: acme's flow and globex's take them, globex's next finds none,
   * and a reply to a port it never gave out is dropped.
   */
  private static MetricSource napt() {
    Ipv4Address inside = Ipv4Address.parse("10.1.0.5");
    Ipv4Address server = Ipv4Address.parse("198.51.100.53");
    Ipv4Address outside = Ipv4Address.parse("203.0.113.1");
    NaptManager napt =
        new NaptManager(
            new InMemoryNaptMappingStore(),
            outside,
            40000,
            40001,
            NaptTimeouts.udp(Duration.ofSeconds(60)));
    napt.outbound(MvpnId.of("acme"), udp(inside, 6000, server), 0);
    napt.outbound(MvpnId.of("globex"), udp(inside, 6000, server), 0);
    napt.outbound(MvpnId.of("globex"), udp(inside, 6001, server), 0);
    napt.inbound(udp(server, 53, outside, 50000), 0);
    return napt;
  }

  private static ByteBuffer udp(Ipv4Address from, int fromPort, Ipv4Address to) {
    return udp(from, fromPort, to, 53);
  }

  private static ByteBuffer udp(Ipv4Address from, int fromPort, Ipv4Address to, int toPort) {
    ByteBuf d =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            from.toInt(),
            to.toInt(),
            fromPort,
            toPort,
            Unpooled.wrappedBuffer(new byte[] {1}),
            64);
    try {
      return ByteBuffer.wrap(ByteBufUtil.getBytes(d));
    } finally {
      d.release();
    }
  }

  /** A Diameter node's labels for its peer, then {@code more}. */
  private static String[] peer(String... more) {
    List<String> labels =
        new ArrayList<>(
            List.of("node", "sink.acme.local", "peer", "msm.home.local", "realm", "home.local"));
    labels.addAll(List.of(more));
    return labels.toArray(String[]::new);
  }

  private static final MetricSource DIAMETER_NODE =
      sink -> {
        sink.gauge(
            "mvpn_diameter_peer_state",
            "1 for the state each peer is in now.",
            1,
            peer("state", "I_OPEN"));
        sink.gauge("mvpn_diameter_peer_available", "1 if the peer takes requests.", 1, peer());
        for (String[] m :
            List.of(
                new String[] {"sent", "request", ""},
                new String[] {"received", "answer", "2001"})) {
          sink.counter(
              "mvpn_diameter_messages",
              "Application messages exchanged with a peer.",
              3,
              peer("direction", m[0], "kind", m[1], "command", "265", "result", m[2]));
        }
        sink.counter(
            "mvpn_diameter_node_events",
            "What the node did, by event.",
            1,
            "node",
            "sink.acme.local",
            "event",
            "failovers");
        sink.counter(
            "mvpn_diameter_aa_answers",
            "AA-Requests answered.",
            2,
            "node",
            "sink.acme.local",
            "request",
            "certificates",
            "outcome",
            "found");
      };

  private static final MetricSource SAM =
      sink -> {
        String granted = "SA pairs keyed for nodes: from a held ticket (cached) or the KDC (cold).";
        sink.counter("mvpn_sam_pairs_granted", granted, 5, "ticket", "cached");
        sink.counter("mvpn_sam_pairs_granted", granted, 2, "ticket", "cold");
        sink.counter("mvpn_sam_kdc_failures", "Exchanges with the KDC that gave no ticket.", 1);
        sink.counter("mvpn_sam_refused", "KINK messages refused", 0, "reason", "replay");
      };

  @Test
  void theNewFamiliesPassTheScrapeWithTheirTenantsAndPromtoolFindsNothingToLint() throws Exception {
    List<MetricSource> sources =
        List.of(
            FOREIGN_AGENT,
            DNS,
            napt(),
            TenantLabels.labelled(DIAMETER_NODE, Map.of("mvpn.tenant", "acme")),
            TenantLabels.labelled(SAM, Map.of("tenant", "acme")));

    String text = new MetricsExposition(() -> sources).text();

    assertThat(text)
        .contains(
            "mvpn_foreignagent_visitors{agent=\"fa1\",tenant=\"acme\"} 2.0\n",
            "mvpn_foreignagent_visitors{agent=\"fa1\",tenant=\"\"} 1.0\n",
            "mvpn_foreignagent_registration_replies_total{agent=\"fa1\",code=\"78\","
                + "origin=\"foreign_agent\",tenant=\"\"} 1.0\n",
            "mvpn_dns_queries_total{tenant=\"globex\"} 4.0\n",
            "mvpn_napt_datagrams_total{result=\"dropped\",tenant=\"\"} 1.0\n",
            "mvpn_napt_datagrams_total{result=\"exhausted\",tenant=\"globex\"} 1.0\n",
            "mvpn_napt_mappings{protocol=\"udp\",tenant=\"acme\"} 1.0\n",
            "mvpn_diameter_messages_total{command=\"265\",direction=\"received\",kind=\"answer\","
                + "node=\"sink.acme.local\",peer=\"msm.home.local\",realm=\"home.local\","
                + "result=\"2001\",tenant=\"acme\"} 3.0\n",
            "mvpn_diameter_peer_state{node=\"sink.acme.local\",peer=\"msm.home.local\","
                + "realm=\"home.local\",state=\"I_OPEN\",tenant=\"acme\"} 1.0\n",
            "mvpn_sam_pairs_granted_total{tenant=\"acme\",ticket=\"cold\"} 2.0\n",
            "mvpn_metrics_rejected_samples 0.0\n");
    Promtool.Verdict verdict = Promtool.check(text);
    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
  }
}
