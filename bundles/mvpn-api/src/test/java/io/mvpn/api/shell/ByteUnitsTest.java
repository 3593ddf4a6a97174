package io.mvpn.api.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteUnitsTest {

  @Test
  void countsBelowOneKibibyteStayInBytes() {
    assertThat(ByteUnits.format(0)).isEqualTo("0 B");
    assertThat(ByteUnits.format(1023)).isEqualTo("1023 B");
  }

  @Test
  void largerCountsTakeTheLargestBinaryUnitWithOneDecimal() {
    assertThat(ByteUnits.format(1024)).isEqualTo("1.0 KiB");
    assertThat(ByteUnits.format(1536)).isEqualTo("1.5 KiB");
    assertThat(ByteUnits.format(5L * 1024 * 1024 + 300 * 1024)).isEqualTo("5.3 MiB");
    assertThat(ByteUnits.format(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(ByteUnits.format(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }

  @Test
  void aCountThatWouldRoundToTheNextUnitIsWrittenInIt() {
    // 1048575 bytes is 1023.999 KiB: "1024.0 KiB" would be a unit too small.
    assertThat(ByteUnits.format(1024 * 1024 - 1)).isEqualTo("1.0 MiB");
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThatThrownBy(() -> ByteUnits.format(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
