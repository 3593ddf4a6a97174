package io.mvpn.diameter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.diameter.DiameterNodeService;
import io.mvpn.diameter.peer.PeerConfig;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two nodes as their cfg files make them, over real loopback TCP. */
class DiameterNodeInstanceTest {

  @Test
  void peersAreReadAsHostSlashRealmWithAnOptionalAddress() {
    List<PeerConfig> peers =
        DiameterNodeInstance.parsePeers(
            "fd.test.local/test.local@127.0.0.1:3868, sink1.acme.local/acme.local");

    assertThat(peers)
        .containsExactly(
            new PeerConfig("fd.test.local", "test.local", new InetSocketAddress("127.0.0.1", 3868)),
            new PeerConfig("sink1.acme.local", "acme.local", null));
    assertThatThrownBy(() -> DiameterNodeInstance.parsePeers("no-realm@127.0.0.1:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host/realm");
  }

  @Test
  void twoConfiguredNodesConnectOverTcpAndSayGoodbyeWithDpr() throws Exception {
    int port = freePort();
    DiameterNodeInstance msm = new DiameterNodeInstance();
    DiameterNodeInstance sink = new DiameterNodeInstance();
    msm.activate(
        config("msm.home.local", "home.local", "127.0.0.1:" + port, "sink.acme.local/acme.local"));
    try {
      sink.activate(
          config(
              "sink.acme.local", "acme.local", "", "msm.home.local/home.local@127.0.0.1:" + port));
      try {
        awaitOpen(sink);
        awaitOpen(msm);
        DiameterNodeService.PeerView toMsm = sink.peers().get(0);
        assertThat(toMsm.state()).isEqualTo("I_OPEN");
        assertThat(toMsm.watchdog()).isEqualTo("OKAY");
        assertThat(msm.peers().get(0).state()).isEqualTo("R_OPEN");
        RecordedMetrics metrics = new RecordedMetrics();
        sink.collect(metrics);
        assertThat(metrics.samples())
            .contains(
                "mvpn_diameter_peer_available[node, sink.acme.local, peer, msm.home.local, realm,"
                    + " home.local]=1",
                "mvpn_diameter_peer_state[node, sink.acme.local, peer, msm.home.local, realm,"
                    + " home.local, state, I_OPEN]=1");
      } finally {
        sink.deactivate();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!msm.peers().get(0).state().equals("CLOSED") && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertThat(msm.peers().get(0).state()).isEqualTo("CLOSED");
    } finally {
      msm.deactivate();
    }
  }

  @Test
  void metricsCollectedWhileOrAfterTheNodeStopsReportNothingAndDoNotThrow() throws Exception {
    DiameterNodeInstance n = new DiameterNodeInstance();
    n.activate(config("a.test.local", "test.local", "", "b.test.local/test.local"));
    try {
      RecordedMetrics running = new RecordedMetrics();
      n.collect(running);
      assertThat(running.samples()).isNotEmpty();

      // What a collect that read the transport just before deactivate closed it finds.
      n.transport().close();
      RecordedMetrics stopping = new RecordedMetrics();
      n.collect(stopping);
      assertThat(stopping.samples()).isEmpty();
    } finally {
      n.deactivate();
    }
    RecordedMetrics after = new RecordedMetrics();
    n.collect(after);
    assertThat(after.samples()).isEmpty();
  }

  static void awaitOpen(DiameterNodeService n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!n.peers().get(0).available() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(n.peers().get(0).available()).as(n.originHost() + "'s peer open").isTrue();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static DiameterNodeInstance.Config config(
      String host, String realm, String listen, String peers) {
    return config(host, realm, listen, peers, false);
  }

  static DiameterNodeInstance.Config config(
      String host, String realm, String listen, String peers, boolean serveHellos) {
    return new DiameterNodeInstance.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return DiameterNodeInstance.Config.class;
      }

      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public String originHost() {
        return host;
      }

      @Override
      public String originRealm() {
        return realm;
      }

      @Override
      public String listen() {
        return listen;
      }

      @Override
      public String hostAddresses() {
        return "127.0.0.1";
      }

      @Override
      public String peers() {
        return peers;
      }

      @Override
      public int watchdogSeconds() {
        return 30;
      }

      @Override
      public int reconnectSeconds() {
        return 30;
      }

      @Override
      public boolean relay() {
        return false;
      }

      @Override
      public long vendorId() {
        return 0;
      }

      @Override
      public String productName() {
        return "mvpn";
      }

      @Override
      public String tlsKeyStore() {
        return "";
      }

      @Override
      public String tlsKeyStorePassword() {
        return "";
      }

      @Override
      public String tlsTrustedCas() {
        return "";
      }

      @Override
      public boolean serveHellos() {
        return serveHellos;
      }
    };
  }
}
