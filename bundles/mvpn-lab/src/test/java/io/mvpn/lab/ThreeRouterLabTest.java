package io.mvpn.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.DropReason;
import io.mvpn.net.Vrf;
import io.mvpn.net.probe.PingProbe;
import io.mvpn.net.probe.ProbeReport;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three routers in a line, two tenants with the same realm, in virtual time. */
class ThreeRouterLabTest {

  private static final long MS = 1_000_000L;

  @TempDir Path tmp;

  static Topology threeRouters() throws IOException {
    try (InputStream in = ThreeRouterLabTest.class.getResourceAsStream("/three-routers.yaml")) {
      return TopologyReader.yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void eachTenantsPingsCrossItsOwnVrfsWithRttTheSumOfItsDelays() throws Exception {
    try (Lab lab = Lab.virtual(threeRouters())) {
      Ipv4Address r3 = Ipv4Address.parse("10.1.23.3");
      PingProbe acme =
          PingProbe.start(lab.vrf("r1", "acme"), r3, 1, 5, 100, 1000, TimeUnit.MILLISECONDS, 56);
      PingProbe globex =
          PingProbe.start(lab.vrf("r1", "globex"), r3, 1, 5, 100, 1000, TimeUnit.MILLISECONDS, 56);
      lab.virtualTime().runUntilIdle();

      ProbeReport a = acme.report().getNow(null);
      ProbeReport g = globex.report().getNow(null);
      assertThat(a.received()).isEqualTo(5);
      assertThat(g.received()).isEqualTo(5);
      // Exactly 2 x (3 ms + 7 ms) and 2 x (2 ms + 5 ms): each reply came back its tenant's way.
      assertThat(a.rttNanos()).containsOnly(20 * MS);
      assertThat(g.rttNanos()).containsOnly(14 * MS);
      assertThat(lab.vrf("r2", "acme").counters().forwarded()).isEqualTo(10);
      assertThat(lab.vrf("r2", "globex").counters().forwarded()).isEqualTo(10);
    }
  }

  @Test
  void oneTenantsTrafficNeverReachesTheOther() throws Exception {
    try (Lab lab = Lab.virtual(threeRouters())) {
      PingProbe probe =
          PingProbe.start(
              lab.vrf("r1", "acme"),
              Ipv4Address.parse("10.1.23.3"),
              9,
              10,
              10,
              500,
              TimeUnit.MILLISECONDS,
              32);
      lab.virtualTime().runUntilIdle();

      assertThat(probe.report().getNow(null).received()).isEqualTo(10);
      assertThat(lab.vrf("r3", "acme").counters().delivered()).isEqualTo(10);
      for (String node : new String[] {"r1", "r2", "r3"}) {
        Vrf globex = lab.vrf(node, "globex");
        assertThat(globex.counters().received()).as(globex.name()).isZero();
        assertThat(globex.counters().sent()).as(globex.name()).isZero();
      }
    }
  }

  @Test
  void sameSeedSameRunByteForByteAndAnotherSeedDiffers() throws Exception {
    byte[] first = lossyRun(11, tmp.resolve("first.pcapng"));
    byte[] again = lossyRun(11, tmp.resolve("again.pcapng"));
    byte[] other = lossyRun(12, tmp.resolve("other.pcapng"));
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  /** A run over links with jitter and loss; returns r2's capture of it. */
  private static byte[] lossyRun(long seed, Path capture) throws Exception {
    Topology topology =
        new TopologyBuilder(seed)
            .segment("left", "4ms", "3ms", 0.2, 0, null)
            .segment("right", "1ms", "2ms", 0.2, 10_000_000, null)
            .node("a")
            .vrf("acme")
            .iface("a0", "left", "10.1.1.1/24")
            .route("10.1.2.0/24", "10.1.1.2")
            .node("b")
            .vrf("acme")
            .iface("b0", "left", "10.1.1.2/24")
            .iface("b1", "right", "10.1.2.2/24")
            .node("c")
            .vrf("acme")
            .iface("c0", "right", "10.1.2.3/24")
            .route("10.1.1.0/24", "10.1.2.2")
            .build();
    try (Lab lab = Lab.virtual(topology)) {
      lab.iface("b", "b0").startCapture(capture, 0);
      PingProbe probe =
          PingProbe.start(
              lab.vrf("a", "acme"),
              Ipv4Address.parse("10.1.2.3"),
              3,
              50,
              5,
              200,
              TimeUnit.MILLISECONDS,
              200);
      lab.virtualTime().runUntilIdle();
      lab.iface("b", "b0").stopCapture();
      ProbeReport report = probe.report().getNow(null);
      assertThat(report.received()).isBetween(10, 49);
      assertThat(lab.segment("left").lost() + lab.segment("right").lost()).isPositive();
    }
    return Files.readAllBytes(capture);
  }

  @Test
  void garbageOnAWireIsCountedAndDroppedAndTrafficGoesOn() throws Exception {
    try (Lab lab = Lab.virtual(threeRouters())) {
      var wire = lab.iface("r2", "a12");
      wire.receive(Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0, 20}));
      wire.receive(Unpooled.wrappedBuffer(new byte[19]));
      byte[] badChecksum = validHeader();
      badChecksum[10] ^= 0x55;
      wire.receive(Unpooled.wrappedBuffer(badChecksum));
      lab.virtualTime().runUntilIdle();

      Vrf r2 = lab.vrf("r2", "acme");
      assertThat(r2.counters().dropped(DropReason.MALFORMED)).isEqualTo(3);
      assertThat(r2.counters().malformed(MalformedPacketException.Reason.BAD_HEADER_CHECKSUM))
          .isEqualTo(1);
      assertThat(wire.counters().dropped(DropReason.MALFORMED)).isEqualTo(3);

      PingProbe probe =
          PingProbe.start(
              lab.vrf("r1", "acme"),
              Ipv4Address.parse("10.1.23.3"),
              2,
              1,
              1,
              100,
              TimeUnit.MILLISECONDS,
              8);
      lab.virtualTime().runUntilIdle();
      assertThat(probe.report().getNow(null).received()).isEqualTo(1);
    }
  }

  @Test
  void unroutableAndTtlExpiredAreCountedWhereTheyHappen() throws Exception {
    try (Lab lab = Lab.virtual(threeRouters())) {
      Vrf r1 = lab.vrf("r1", "acme");
      assertThat(r1.ping(Ipv4Address.parse("10.9.9.9"), 1, 0, Unpooled.EMPTY_BUFFER)).isFalse();
      assertThat(r1.counters().dropped(DropReason.NO_ROUTE)).isEqualTo(1);

      // r2 knows 10.1.23.0/24 but nobody there holds .99: the segment finds no neighbour.
      PingProbe.start(r1, Ipv4Address.parse("10.1.23.99"), 4, 1, 1, 100, TimeUnit.MILLISECONDS, 8);
      lab.virtualTime().runUntilIdle();
      assertThat(lab.segment("acme-23").noNeighbour()).isEqualTo(1);
    }
  }

  private static byte[] validHeader() {
    byte[] h = {
      0x45, 0, 0, 20, 0, 1, 0, 0, 64, 17, 0, 0, 10, 1, 12, 1, 10, 1, 23, 3,
    };
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += ((h[i] & 0xFF) << 8) | (h[i + 1] & 0xFF);
    }
    sum = (sum & 0xFFFF) + (sum >>> 16);
    sum = (sum & 0xFFFF) + (sum >>> 16);
    int checksum = ~sum & 0xFFFF;
    h[10] = (byte) (checksum >>> 8);
    h[11] = (byte) checksum;
    return h;
  }
}
