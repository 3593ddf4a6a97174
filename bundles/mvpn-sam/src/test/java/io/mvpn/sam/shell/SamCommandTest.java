package io.mvpn.sam.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.sam.manager.SecurityAssociationPair;
import io.mvpn.sam.manager.TenantSam;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code mvpn:sam} as an operator types it, against managers that hold known pairs. */
class SamCommandTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  /** A manager holding {@code pairs}, counting nothing but them. */
  private static final class HeldPairs implements TenantSam {
    final String tenant;
    final List<SecurityAssociationPair> pairs = new ArrayList<>();

    HeldPairs(String tenant) {
      this.tenant = tenant;
    }

    @Override
    public String tenant() {
      return tenant;
    }

    @Override
    public String realm() {
      return tenant.toUpperCase() + ".MVPN.TEST";
    }

    @Override
    public InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", 10910);
    }

    @Override
    public List<SecurityAssociationPair> pairs() {
      return List.copyOf(pairs);
    }

    @Override
    public Map<String, Long> stats() {
      Map<String, Long> stats = new LinkedHashMap<>();
      stats.put("pairs", (long) pairs.size());
      stats.put("refused.replay", 2L);
      return stats;
    }

    @Override
    public int flush() {
      int n = pairs.size();
      pairs.clear();
      return n;
    }
  }

  private static SecurityAssociationPair pair(String a, String b, int spi) {
    return new SecurityAssociationPair(
        a,
        b,
        EspSaKeys.aesGcm(spi, new byte[36], false),
        EspSaKeys.aesGcm(spi + 1, new byte[36], false),
        0,
        1_800_000_000_000L);
  }

  private String run(String action, String tenant, TenantSam... managers) {
    SamCommand command = new SamCommand();
    command.action = action;
    command.tenant = tenant;
    command.managers = List.of(managers);
    command.session = Consoles.printingTo(printed);
    printed.reset();
    command.execute();
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sasListsEachPairsSpisAndSuiteButNeverItsKeys() {
    HeldPairs acme = new HeldPairs("acme");
    acme.pairs.add(pair("ha1", "ha2", 0x1000));

    String listed = run("sas", null, acme);

    assertThat(listed)
        .contains("acme (ACME.MVPN.TEST)")
        .contains("ha1")
        .contains("00001000")
        .contains("00001001")
        .contains("aes256gcm16")
        .contains("2027-01-15")
        .contains("1 pairs");
  }

  @Test
  void statsAndFlushTakeTheTenantTheOperatorNames() {
    HeldPairs acme = new HeldPairs("acme");
    HeldPairs globex = new HeldPairs("globex");
    acme.pairs.add(pair("ha1", "ha2", 0x1000));
    globex.pairs.add(pair("gw1", "gw2", 0x2000));

    assertThat(run("stats", "globex", acme, globex))
        .contains("globex")
        .doesNotContain("acme")
        .containsPattern("refused.replay +2");
    assertThat(run("flush", "acme", acme, globex)).contains("withdrew 1 pairs");
    assertThat(acme.pairs).isEmpty();
    assertThat(globex.pairs).hasSize(1);
  }

  @Test
  void anUnknownActionOrTenantIsSaidSo() {
    assertThat(run("list", null, new HeldPairs("acme"))).contains("sas | stats | flush");
    assertThat(run("sas", "initech", new HeldPairs("acme")))
        .contains("no SA manager for tenant initech");
    assertThat(run("sas", null)).contains("etc/io.mvpn.sam-NAME.cfg");
  }
}
