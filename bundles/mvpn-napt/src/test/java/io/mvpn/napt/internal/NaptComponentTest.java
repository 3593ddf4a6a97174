package io.mvpn.napt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.config.RejectedConfiguration;
import io.mvpn.api.testing.ConfigProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NAPT's cfg is read before anything starts: a bad field is one clear refusal, no NAPT. */
class NaptComponentTest {

  private static NaptComponent.Config config(Object... changes) {
    Map<String, Object> values = new HashMap<>();
    values.put("publicAddress", "203.0.113.77");
    for (int i = 0; i < changes.length; i += 2) {
      if (changes[i + 1] == null) {
        values.remove((String) changes[i]);
      } else {
        values.put((String) changes[i], changes[i + 1]);
      }
    }
    return ConfigProxy.of(NaptComponent.Config.class, values);
  }

  private static String refusedField(NaptComponent.Config config) {
    try {
      NaptComponent.Settings.read(config);
    } catch (InvalidConfigurationException e) {
      return e.field() + ": " + e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void theShippedFieldsAndDefaultsMakeTheNapt() {
    NaptComponent.Settings s = NaptComponent.Settings.read(config());

    assertThat(s.publicAddress()).isEqualTo(Ipv4Address.parse("203.0.113.77"));
    assertThat(s.firstPort()).isEqualTo(40000);
    assertThat(s.lastPort()).isEqualTo(49999);
    assertThat(s.timeouts().tcpEstablished()).isEqualTo(Duration.ofSeconds(7440));
  }

  @Test
  void eachBadFieldIsNamedWithItsReason() {
    assertThat(refusedField(config("publicAddress", null))).startsWith("publicAddress: missing");
    assertThat(refusedField(config("publicAddress", "  "))).startsWith("publicAddress: missing");
    assertThat(refusedField(config("publicAddress", "203.0.113"))).startsWith("publicAddress: ");
    assertThat(refusedField(config("firstPort", 0))).startsWith("firstPort: 0 is not a port");
    assertThat(refusedField(config("lastPort", 70000))).startsWith("lastPort: 70000");
    assertThat(refusedField(config("firstPort", 5000, "lastPort", 4000)))
        .isEqualTo("lastPort: 4000 is below firstPort 5000");
    assertThat(refusedField(config("idleTimeoutSeconds", 0))).startsWith("idleTimeoutSeconds: ");
    assertThat(refusedField(config("tcpEstablishedTimeoutSeconds", 600)))
        .contains("tcpEstablishedTimeoutSeconds: ")
        .contains("RFC 5382");
  }

  @Test
  void aCfgWithoutItsPublicAddressIsRecordedAsRefusedAndStartsNoNapt() {
    List<RejectedConfiguration> refused = new ArrayList<>();
    NaptComponent component = new NaptComponent();
    component.bindErrors(
        new ConfigurationErrors() {
          @Override
          public void rejected(RejectedConfiguration rejection) {
            refused.add(rejection);
          }

          @Override
          public void withdrawn(String pid) {
            refused.removeIf(r -> r.pid().equals(pid));
          }

          @Override
          public List<RejectedConfiguration> rejections() {
            return refused;
          }
        });

    // No bundle context is needed: nothing is registered for a refused cfg.
    component.activate(null, config("publicAddress", null), Map.of("service.pid", "io.mvpn.napt"));

    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).toString()).contains("io.mvpn.napt").contains("publicAddress");
    assertThatThrownBy(() -> NaptComponent.Settings.read(config("publicAddress", null)))
        .isInstanceOf(InvalidConfigurationException.class);

    component.deactivate(0);
    assertThat(refused).isEmpty();
  }
}
