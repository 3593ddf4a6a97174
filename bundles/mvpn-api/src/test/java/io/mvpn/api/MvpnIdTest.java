package io.mvpn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MvpnIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"acme", "globex", "a", "tenant-42", "x1"})
  void acceptsFileNameSafeIds(String id) {
    assertThat(MvpnId.of(id).value()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Acme",
        "-acme",
        "acme-",
        "ac me",
        "acme/../etc",
        "abcdefghijklmnopqrstuvwxyz0123456"
      })
  void refusesOthers(String id) {
    assertThatThrownBy(() -> MvpnId.of(id)).isInstanceOf(IllegalArgumentException.class);
  }
}
