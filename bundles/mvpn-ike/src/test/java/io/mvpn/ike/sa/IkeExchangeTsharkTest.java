package io.mvpn.ike.sa;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.Tshark;
import io.mvpn.ike.message.Transform;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark reads a whole run of the engines, captured as UDP/500 datagrams: a cookie round, an
 * INVALID_KE_PAYLOAD retry, IKE_AUTH, a liveness check and the delete. With the SA's keys in its
 * IKEv2 decryption table it also opens every SK payload, checking the engine's AEAD framing.
 */
class IkeExchangeTsharkTest {

  @TempDir Path tmp;

  private Path pcap;
  private String keys;

  @BeforeEach
  void capture() throws Exception {
    require(Tshark.installed(), "tshark is not installed (.ci/run installs it)");
    PeerConfig gw =
        IkePair.gwConfig()
            .withIke(
                ProposalPolicy.ike(
                    List.of(256),
                    List.of(Transform.PRF_HMAC_SHA2_256),
                    List.of(Transform.ECP_256)));
    IkePair pair =
        new IkePair(IkePair.mnConfig(), gw, EngineSettings.defaults().withCookieThreshold(0));
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    // The row the engine logs at debug level (logger ...IkeEngine.keys) is all Wireshark needs.
    keys = mn.wiresharkKeyLine();
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    pair.scheduler.execute(() -> pair.initiator.delete(mn));
    pair.run(100);

    pcap = tmp.resolve("ike-exchange.pcapng");
    pair.writePcap(pcap);
  }

  @Test
  void nothingIsMalformedOrWarnedAbout() throws Exception {
    assertThat(tshark("-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
  }

  @Test
  void theExchangesAreTheOnesTheEnginesRan() throws Exception {
    assertThat(tshark("-T", "fields", "-e", "isakmp.exchangetype", "-e", "isakmp.flags"))
        .containsExactly(
            "34\t0x08", // IKE_SA_INIT with group 31, the default's first
            "34\t0x20", // N(COOKIE)
            "34\t0x08", // again with the cookie
            "34\t0x20", // N(INVALID_KE_PAYLOAD) for 19, all this gateway takes
            "34\t0x08", // cookie and group 19
            "34\t0x20",
            "35\t0x08",
            "35\t0x20",
            "37\t0x08",
            "37\t0x20",
            "37\t0x08",
            "37\t0x20");
  }

  @Test
  void withTheKeysWiresharkOpensIkeAuth() throws Exception {
    List<String> rows =
        tshark(
            "-o",
            "uat:ikev2_decryption_table:" + keys,
            "-Y",
            "isakmp.exchangetype == 35",
            "-T",
            "fields",
            "-e",
            "isakmp.auth.method",
            "-e",
            "isakmp.notify.msgtype",
            "-e",
            "isakmp.ts.start_ipv4");
    assertThat(rows).containsExactly("2\t16396\t10.1.0.0,0.0.0.0", "2\t16396\t10.1.0.0,10.2.0.0");
  }

  private List<String> tshark(String... args) throws Exception {
    return Tshark.run(pcap, args);
  }
}
