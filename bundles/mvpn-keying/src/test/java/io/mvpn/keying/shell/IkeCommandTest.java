package io.mvpn.keying.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.IkeService;
import io.mvpn.ike.IkeService.ChildSaView;
import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.keying.ShellSessions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@code mvpn:ike sas} shows what was negotiated and who was refused. */
class IkeCommandTest {

  /** A daemon with one established SA and two refusals. */
  private static final class OneSa implements IkeService {
    @Override
    public String name() {
      return "gw1";
    }

    @Override
    public String local() {
      return "198.51.100.10:500";
    }

    @Override
    public int natTPort() {
      return 4500;
    }

    @Override
    public List<String> peers() {
      return List.of("laptop");
    }

    @Override
    public List<IkeSaView> sas() {
      ChildSaView child =
          new ChildSaView(
              0xc1000001L,
              0xc2000002L,
              "10.2.0.0-10.2.255.255",
              "10.1.0.7-10.1.0.7",
              "AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ");
      return List.of(
          new IkeSaView(
              "gw1",
              "laptop",
              false,
              0x1122334455667788L,
              0x99aabbccddeeff00L,
              "ESTABLISHED",
              "198.51.100.10:500",
              "203.0.113.61:500",
              "laptop.acme.example",
              false,
              false,
              List.of(child),
              List.of(),
              "AES_GCM_16_256/PRF_HMAC_SHA2_256/MODP_3072"));
    }

    @Override
    public long initiate(String peer) {
      throw new IllegalArgumentException("responder");
    }

    @Override
    public boolean terminate(long spi) {
      return false;
    }

    @Override
    public boolean rekey(long spi) {
      return false;
    }

    @Override
    public Map<String, Long> refusedPeers() {
      return new TreeMap<>(Map.of("untrusted_chain/unknown_ca", 2L, "id_mismatch", 1L));
    }

    @Override
    public Map<String, Long> dropped() {
      return new LinkedHashMap<>(Map.of("malformed", 7000L));
    }
  }

  @Test
  void sasShowsTheNegotiatedAlgorithmsOfIkeAndEspAndTheRefusalsAndDropsByReason() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    IkeCommand command = new IkeCommand();
    command.daemons = List.of(new OneSa());
    command.session = ShellSessions.printingTo(console);
    command.execute();

    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("refused at IKE_AUTH: id_mismatch=1, untrusted_chain/unknown_ca=2")
        .contains("  dropped: malformed=7000\n")
        .contains("    IKE AES_GCM_16_256/PRF_HMAC_SHA2_256/MODP_3072\n")
        .contains(
            "child in 0xc1000001 out 0xc2000002 10.2.0.0-10.2.255.255 === 10.1.0.7-10.1.0.7,"
                + " ESP AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ");
  }

  @Test
  void aMisspeltActionOrAnSpiThatIsNotHexSaysSoAndPrintsTheUsage() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    for (String[] words : new String[][] {{"sass", null}, {"terminate", "xyz"}}) {
      IkeCommand command = new IkeCommand();
      command.daemons = List.of(new OneSa());
      command.session = ShellSessions.printingTo(console);
      command.action = words[0];
      command.first = words[1];
      command.execute();
    }

    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("mvpn:ike: no action 'sass'\nusage: mvpn:ike sas | initiate DAEMON PEER")
        .contains("mvpn:ike terminate: not an SPI: xyz\nusage: mvpn:ike terminate SPI");
  }
}
