package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.transport.tun.TunException.Reason;
import org.junit.jupiter.api.Test;

/** What the TUN transport refuses before it makes a single system call. */
class TunTransportTest {

  @Test
  void aNameLinuxWouldRefuseIsABadNameWithoutTouchingTheKernel() {
    for (String name :
        new String[] {"", "a/b", "has space", "sixteen-chars-xx", ".", "..", "tun:0"}) {
      assertThatThrownBy(() -> TunTransport.open(name, 1500))
          .as(name)
          .isInstanceOfSatisfying(
              TunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_NAME));
    }
  }

  @Test
  void namesOfUpToFifteenSafeCharactersAreValid() {
    assertThat(TunTransport.isValidName("mvpn0")).isTrue();
    assertThat(TunTransport.isValidName("fifteen-chars.x")).isTrue();
    assertThat(TunTransport.isValidName("sixteen-chars.xy")).isFalse();
    assertThat(TunTransport.isValidName(null)).isFalse();
  }

  @Test
  void anMtuBelowWhatIpv4RequiresIsRefused() {
    assertThatThrownBy(() -> TunTransport.open("mvpn0", 67))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("68");
  }
}
