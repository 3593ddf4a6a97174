package io.mvpn.keying.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.IkeService.ChildSaView;
import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.keying.InnerIpsecService;
import io.mvpn.keying.ShellSessions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code mvpn:inner-ipsec}: per node its IKE and ESP SAs, per tenant what was refused. */
class InnerIpsecCommandTest {

  /** A tenant whose one node has an IKE SA with one Child SA, and three kinds of refusal. */
  private record Tenant(String tenant, String mode) implements InnerIpsecService {
    @Override
    public String homeAgent() {
      return "198.51.100.10";
    }

    @Override
    public long decrypted() {
      return 12;
    }

    @Override
    public long encrypted() {
      return 9;
    }

    @Override
    public Map<String, Long> refusals() {
      if (mode.equals("off")) {
        return Map.of();
      }
      Map<String, Long> all = new LinkedHashMap<>();
      all.put("plain_from_node", 2L);
      all.put("spoofed_from_site", 3L);
      all.put("esp_replay", 1L);
      return all;
    }

    @Override
    public List<NodeView> nodes() {
      if (mode.equals("off")) {
        return List.of();
      }
      ChildSaView child =
          new ChildSaView(
              0xc1000001L,
              0xc2000002L,
              "0.0.0.0-255.255.255.255",
              "10.1.0.5-10.1.0.5",
              "AES_GCM_16_256/NO_EXT_SEQ");
      IkeSaView sa =
          new IkeSaView(
              "198.51.100.10",
              "mn.acme.example",
              false,
              0x1122334455667788L,
              0x99aabbccddeeff00L,
              "ESTABLISHED",
              "198.51.100.10:500",
              "10.1.0.5:500",
              "mn.acme.example",
              false,
              false,
              List.of(child),
              List.of(),
              "AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256");
      return List.of(
          new NodeView(
              "10.1.0.5",
              "mn.acme.example",
              List.of(sa),
              Map.of(0xc1000001L, new EspView(12, 1536, 9, 2048, 1))));
    }
  }

  private String run(String tenant, InnerIpsecService... tenants) {
    InnerIpsecCommand command = new InnerIpsecCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    command.session = ShellSessions.printingTo(out);
    command.tenants = List.of(tenants);
    command.tenant = tenant;
    command.execute();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsEachNodesSasWithSpisAlgorithmsCountsAndTheTenantsRefusals() {
    String shown = run(null, new Tenant("globex", "off"), new Tenant("acme", "required"));

    assertThat(shown)
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "acme: required, home agent 198.51.100.10, ESP decrypted 12 encrypted 9",
                "  refused: plain_from_node=2, spoofed_from_site=3, esp_replay=1",
                "  10.1.0.5 [mn.acme.example]",
                "    IKE ESTABLISHED spi 1122334455667788_i 99aabbccddeeff00_r"
                    + " AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256",
                "      ESP in 0xc1000001 out 0xc2000002 0.0.0.0-255.255.255.255 ==="
                    + " 10.1.0.5-10.1.0.5 AES_GCM_16_256/NO_EXT_SEQ",
                "        in 12 packets 1.5 KiB, out 9 packets 2.0 KiB, refused 1",
                "globex: off, home agent 198.51.100.10, ESP decrypted 12 encrypted 9",
                ""));
  }

  @Test
  void aTenantArgumentShowsOnlyThatTenant() {
    String shown = run("globex", new Tenant("globex", "off"), new Tenant("acme", "required"));

    assertThat(shown).startsWith("globex: off").doesNotContain("acme");
    assertThat(run("initech", new Tenant("acme", "required")))
        .isEqualTo("no IPsec in the tunnel of initech" + System.lineSeparator());
    assertThat(run(null)).isEqualTo("no IPsec in any tunnel" + System.lineSeparator());
  }
}
