package io.mvpn.homeagent.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shell names a binding's registration flags by their RFC 5944 letters. */
class BindingFlagsTest {

  @Test
  void aReverseTunnelledBindingShowsT() {
    assertThat(BindingsCommand.flags(0x02)).isEqualTo("T");
  }

  @Test
  void simultaneousBroadcastAndGreShowTheirLettersInWireOrder() {
    assertThat(BindingsCommand.flags(0x80 | 0x40 | 0x08)).isEqualTo("SBG");
  }

  @Test
  void noFlagsShowADash() {
    assertThat(BindingsCommand.flags(0)).isEqualTo("-");
  }
}
