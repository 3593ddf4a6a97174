package io.mvpn.foreignagent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** linkLogin.masterKeys as the operator writes it: a broken item is named, its key never shown. */
class MasterKeyItemsTest {

  static final String KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff";

  @Test
  void wellFormedItemsGiveEachNodeItsKey() {
    assertThat(
            ForeignAgentInstance.masterKeys(
                "fa1", new String[] {"mn5@acme.example " + KEY, "mn6@acme.example " + KEY}))
        .containsOnlyKeys("mn5@acme.example", "mn6@acme.example");
  }

  @Test
  void anItemWithoutItsNaiIsNamedByPositionAndTheKeyIsNotInTheMessage() {
    for (String bad : new String[] {KEY, KEY + "zz", "mn5@acme.example " + KEY.substring(1)}) {
      assertThatThrownBy(
              () ->
                  ForeignAgentInstance.masterKeys(
                      "fa1", new String[] {"mn6@acme.example " + KEY, bad}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("item 2")
          .hasMessageNotContaining(KEY.substring(0, 16))
          .hasNoCause();
    }
  }
}
