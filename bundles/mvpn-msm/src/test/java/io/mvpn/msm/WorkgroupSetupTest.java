package io.mvpn.msm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WorkgroupSetupTest {

  static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theOperatorsFileFillsTheDirectoryAndThePortalsCredentials() throws Exception {
    String yaml =
        "members:\n"
            + "  - {tenant: acme, address: 10.1.0.5, fqdn: alice.acme.example, gateway: 198.51.100.10,"
            + " tokenSha256: "
            + sha256("alice-0123456789abcdef")
            + "}\n"
            + "  - {tenant: globex, address: 10.1.0.5, fqdn: bob.globex.example, gateway: 198.51.100.20}\n"
            + "workgroups:\n"
            + "  - {name: bridge, admit: [acme, globex], members: [globex/10.1.0.5]}\n";
    WorkgroupSetup setup = WorkgroupSetup.parse(yaml);
    InMemoryWorkgroupDirectory dir = new InMemoryWorkgroupDirectory();
    WorkgroupPortal portal = new WorkgroupPortal(dir, setup.admitted());
    setup.applyTo(dir, portal);
    setup.applyTo(dir, portal); // idempotent: a reactivation applies it again
    MemberId alice = new MemberId(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"));
    assertThat(dir.members()).hasSize(2);
    assertThat(dir.workgroup("bridge").orElseThrow().members())
        .containsExactly(new MemberId(MvpnId.of("globex"), Ipv4Address.parse("10.1.0.5")));
    WorkgroupPortal.Response r =
        portal.handle(
            "POST",
            "/api/v1/workgroups/bridge/members",
            "Bearer alice-0123456789abcdef",
            "{\"tenant\":\"acme\",\"privateAddress\":\"10.1.0.5\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(201);
    assertThat(dir.workgroupsOf(alice)).containsExactly("bridge");
  }

  @Test
  void aBadFileIsRefusedBeforeAnythingChanges() throws Exception {
    InMemoryWorkgroupDirectory dir = new InMemoryWorkgroupDirectory();
    WorkgroupSetup setup =
        WorkgroupSetup.parse(
            "members:\n  - {tenant: acme, address: 10.1.0.5, fqdn: a.example, gateway: 198.51.100.10}\n"
                + "workgroups:\n  - {name: bridge, members: [acme-10.1.0.5]}\n");
    assertThatThrownBy(() -> setup.applyTo(dir, null)).hasMessageContaining("TENANT/ADDRESS");
    assertThat(dir.members()).isEmpty();
    assertThatThrownBy(() -> WorkgroupSetup.parse("members:\n  - {tenant: acme, color: red}\n"))
        .hasMessageContaining("color");
  }
}
