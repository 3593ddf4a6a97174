package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** ESP for an unknown SPI is logged once per SPI, with bounded memory and a bounded rate. */
class UnknownSpiLogTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final UnknownSpiLog log =
      new UnknownSpiLog(
          "gateway 198.51.100.10", LoggerFactory.getLogger(UnknownSpiLogTest.class), time);
  private final Ipv4Address node = Ipv4Address.parse("203.0.113.61");

  @Test
  void eachUnknownSpiIsReportedOnceNotPerPacket() {
    assertThat(log.report(0xc0ffee01, node)).isTrue();
    assertThat(log.report(0xc0ffee01, node)).isFalse();
    assertThat(log.report(0xc0ffee02, node)).isTrue();
  }

  @Test
  void aFloodOfRandomSpisForgetsTheOldestInsteadOfGrowing() {
    log.report(1, node);
    for (int spi = 1000; spi < 1000 + UnknownSpiLog.REMEMBERED; spi++) {
      log.report(spi, node);
    }
    assertThat(log.report(1, node)).isTrue(); // forgotten, so reported again
    assertThat(log.report(1000 + UnknownSpiLog.REMEMBERED - 1, node)).isFalse();
  }

  @Test
  void aFloodOfRandomSpisWritesTenLinesEveryTenSecondsAndCountsTheRest() {
    for (int spi = 1; spi <= 1000; spi++) {
      assertThat(log.report(spi, node)).isTrue();
    }
    assertThat(log.notLogged()).isEqualTo(1000 - UnknownSpiLog.LINES_PER_INTERVAL);

    time.advance(10, TimeUnit.SECONDS);
    log.report(5000, node);
    assertThat(log.notLogged()).isEqualTo(1000 - UnknownSpiLog.LINES_PER_INTERVAL);
  }
}
