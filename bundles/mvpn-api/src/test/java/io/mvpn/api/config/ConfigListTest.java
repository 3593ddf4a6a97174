package io.mvpn.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigListTest {

  @Test
  void oneStringWithCommasAndAnArrayGiveTheSameItems() {
    assertThat(ConfigList.items("a, b ,c")).containsExactly("a", "b", "c");
    assertThat(ConfigList.items("a", " b", "c ")).containsExactly("a", "b", "c");
    assertThat(ConfigList.items("a, b", "c")).containsExactly("a", "b", "c");
  }

  @Test
  void blankItemsAndATrailingCommaAreLeftOut() {
    assertThat(ConfigList.items("a,, b,", " ", "")).containsExactly("a", "b");
    assertThat(ConfigList.items()).isEmpty();
    assertThat(ConfigList.items((String[]) null)).isEmpty();
  }

  @Test
  void anItemKeepsItsInnerSpacesButWordsSplitThem() {
    assertThat(ConfigList.items("10.1.0.5 1000 hmac-md5 00ff, 10.1.0.6 1001 hmac-md5 ff00"))
        .containsExactly("10.1.0.5 1000 hmac-md5 00ff", "10.1.0.6 1001 hmac-md5 ff00");
    assertThat(ConfigList.words("10.1.0.0/16 10.2.0.0/16, 10.3.0.0/16"))
        .containsExactly("10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16");
  }
}
