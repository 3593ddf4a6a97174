package io.mvpn.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationCheckTest {

  /** Records what it is told, in order. */
  static final class Registry implements ConfigurationErrors {
    final List<RejectedConfiguration> held = new ArrayList<>();

    @Override
    public void rejected(RejectedConfiguration rejection) {
      withdrawn(rejection.pid());
      held.add(rejection);
    }

    @Override
    public void withdrawn(String pid) {
      held.removeIf(r -> r.pid().equals(pid));
    }

    @Override
    public List<RejectedConfiguration> rejections() {
      return held;
    }
  }

  private final List<String> errorLines = new ArrayList<>();
  private final ConfigurationCheck check = new ConfigurationCheck();
  private final Registry registry = new Registry();

  private static Integer lifetime(String value) {
    return InvalidConfigurationException.read("maxLifetime", () -> Integer.valueOf(value));
  }

  @Test
  void aBadFieldGivesOneLineNamingPidFieldAndReasonAndIsListed() {
    check.bind(registry);

    Integer read = check.read("io.mvpn.homeagent~acme", () -> lifetime("ten"), errorLines::add);

    assertThat(read).isNull();
    assertThat(errorLines)
        .containsExactly(
            "configuration io.mvpn.homeagent~acme rejected: maxLifetime: For input string: \"ten\"");
    assertThat(registry.rejections())
        .containsExactly(
            new RejectedConfiguration(
                "io.mvpn.homeagent~acme", "maxLifetime", "For input string: \"ten\""));
  }

  @Test
  void aRegistryThatComesLaterHearsOfTheRefusal() {
    check.read("io.mvpn.tenant~bad", () -> lifetime("x"), errorLines::add);

    check.bind(registry);

    assertThat(registry.rejections())
        .extracting(RejectedConfiguration::pid)
        .containsExactly("io.mvpn.tenant~bad");
  }

  @Test
  void aGoodConfigurationOrAGoneOneWithdrawsTheRefusal() {
    check.bind(registry);
    check.read("io.mvpn.tenant~acme", () -> lifetime("x"), errorLines::add);

    assertThat(check.read("io.mvpn.tenant~acme", () -> lifetime("600"), errorLines::add))
        .isEqualTo(600);
    assertThat(registry.rejections()).isEmpty();

    check.read("io.mvpn.tenant~acme", () -> lifetime("x"), errorLines::add);
    check.withdraw();
    assertThat(registry.rejections()).isEmpty();
    assertThat(errorLines).hasSize(2);
  }

  @Test
  void theRefusalCarriesNoStackTrace() {
    InvalidConfigurationException e =
        new InvalidConfigurationException("address", "not an address");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("address: not an address");
  }
}
