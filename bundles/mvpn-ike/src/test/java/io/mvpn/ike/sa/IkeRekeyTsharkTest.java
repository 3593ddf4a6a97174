package io.mvpn.ike.sa;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.Tshark;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark reads an IKE SA re-key and what follows on the new SA: the re-key, the Delete of the
 * old SA, then a Child SA re-key and an additional Child SA under the new keys. With the rows the
 * engine logs for the old SA and the new one, it opens every SK payload.
 */
class IkeRekeyTsharkTest {

  @TempDir Path tmp;

  private Path pcap;
  private String oldKeys;
  private String newKeys;
  private long newSpiI;

  @BeforeEach
  void capture() throws Exception {
    require(Tshark.installed(), "tshark is not installed (.ci/run installs it)");
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    oldKeys = mn.wiresharkKeyLine();
    pair.scheduler.execute(() -> pair.responder.rekeyIkeSa(pair.peerOf(mn)));
    pair.run(100);
    IkeSa next = pair.initiator.sas().iterator().next();
    newKeys = next.wiresharkKeyLine();
    newSpiI = next.spiI();
    ChildSa child = next.childSas().get(0);
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(next, child, 0));
    pair.run(100);
    pair.scheduler.execute(
        () ->
            pair.initiator.createChildSa(
                next,
                List.of(IkePair.range("10.1.0.0", "10.1.0.255")),
                List.of(IkePair.range("10.2.5.0", "10.2.5.255")),
                0));
    pair.run(100);
    assertThat(next.childSas()).hasSize(2);
    pcap = tmp.resolve("ike-rekey.pcapng");
    pair.writePcap(pcap);
  }

  @Test
  void nothingIsMalformedOrWarnedAbout() throws Exception {
    assertThat(withBothRows("-Y", "_ws.malformed || _ws.expert.severity >= \"warning\"")).isEmpty();
  }

  @Test
  void withBothRowsWiresharkOpensTheRekeyAndTheNewSa() throws Exception {
    List<String> rows =
        withBothRows(
            "-Y",
            "isakmp.exchangetype >= 36",
            "-T",
            "fields",
            "-e",
            "isakmp.ispi",
            "-e",
            "isakmp.exchangetype",
            "-e",
            "isakmp.flags",
            "-e",
            "isakmp.prop.protoid",
            "-e",
            "isakmp.notify.msgtype",
            "-e",
            "isakmp.delete.protoid");
    String next = String.format("%016x", newSpiI);
    assertThat(rows).hasSize(10);
    // On the old SA: the gateway's re-key (it is not the original initiator: flags 0x00), with
    // two IKE proposals (AEADs, then AES-CBC with integrity) and one chosen, then its Delete of
    // the old SA.
    assertThat(rows.get(0)).matches("\\p{XDigit}{16}\t36\t0x00\t1,1\t\t");
    assertThat(rows.get(1)).matches("\\p{XDigit}{16}\t36\t0x28\t1\t\t");
    assertThat(rows.get(2)).matches("\\p{XDigit}{16}\t37\t0x00\t\t\t1");
    assertThat(rows.get(3)).matches("\\p{XDigit}{16}\t37\t0x28\t\t\t");
    assertThat(rows.subList(0, 4)).noneMatch(r -> r.startsWith(next));
    // On the new SA, whose initiator the gateway is now: the MN re-keys its Child SA
    // (N(REKEY_SA), two ESP proposals as the default offers them: AEADs, then AES-CBC with
    // integrity), deletes the old pair and asks for another one.
    assertThat(rows.subList(4, 10))
        .allMatch(r -> r.startsWith(next + "\t"), "on the new SA " + next)
        .extracting(r -> r.substring(17))
        .containsExactly(
            "36\t0x00\t3,3\t16393\t",
            "36\t0x28\t3\t\t",
            "37\t0x00\t\t\t3",
            "37\t0x28\t\t\t3",
            "36\t0x00\t3,3\t\t",
            "36\t0x28\t3\t\t");
  }

  /** tshark with the decryption rows of the old SA and the new one. */
  private List<String> withBothRows(String... args) throws Exception {
    List<String> all =
        new java.util.ArrayList<>(
            List.of(
                "-o",
                "uat:ikev2_decryption_table:" + oldKeys,
                "-o",
                "uat:ikev2_decryption_table:" + newKeys));
    all.addAll(List.of(args));
    return Tshark.run(pcap, all.toArray(String[]::new));
  }
}
