package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.innerDatagram;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LifetimeTest {

  final AtomicLong now = new AtomicLong(5_000_000_000L);
  final List<Integer> softExpiries = new ArrayList<>();

  EspSecurityAssociation outbound(Lifetime lifetime) {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(true);
    sa.setLifetime(lifetime, now::get, s -> softExpiries.add(s.spi()));
    return sa;
  }

  void send(EspSecurityAssociation sa, int size) throws Exception {
    ByteBuf inner = innerDatagram(size);
    try {
      sa.seal(ALLOC, Ipv4Packet.parse(inner)).release();
    } finally {
      inner.release();
    }
  }

  @Test
  void softPacketLimitAsksOnceForARekeyAndHardLimitStopsTheSa() throws Exception {
    EspSecurityAssociation sa = outbound(Lifetime.packets(3, 5));
    send(sa, 10);
    send(sa, 10);
    assertThat(softExpiries).isEmpty();
    send(sa, 10);
    assertThat(softExpiries).containsExactly(0x1001);
    send(sa, 10);
    send(sa, 10);
    assertThat(softExpiries).hasSize(1);
    assertThat(sa.hardExpired()).isTrue();
    EspException e = catchThrowableOfType(() -> send(sa, 10), EspException.class);
    assertThat(e.reason()).isEqualTo(EspException.Reason.EXPIRED);
    assertThat(sa.packets()).isEqualTo(5);
    assertThat(sa.sequence()).isEqualTo(5);
  }

  @Test
  void byteLimitsCountInnerData() throws Exception {
    EspSecurityAssociation sa = outbound(Lifetime.bytes(100, 200));
    send(sa, 50); // 78-byte inner datagram (20 IP + 8 UDP + 50)
    assertThat(sa.softExpired()).isFalse();
    send(sa, 50);
    assertThat(sa.softExpired()).isTrue();
    send(sa, 50);
    assertThat(sa.hardExpired()).isTrue();
    assertThat(catchThrowableOfType(() -> send(sa, 1), EspException.class).reason())
        .isEqualTo(EspException.Reason.EXPIRED);
  }

  @Test
  void timeLimitsFollowTheEngineClock() throws Exception {
    EspSecurityAssociation sa = outbound(Lifetime.seconds(60, 90));
    now.addAndGet(59_000_000_000L);
    send(sa, 10);
    assertThat(softExpiries).isEmpty();
    now.addAndGet(1_000_000_000L);
    send(sa, 10);
    assertThat(softExpiries).hasSize(1);
    now.addAndGet(30_000_000_000L);
    assertThat(sa.hardExpired()).isTrue();
    assertThat(catchThrowableOfType(() -> send(sa, 10), EspException.class).reason())
        .isEqualTo(EspException.Reason.EXPIRED);
  }

  @Test
  void anInboundSaPastItsHardLifetimeRefusesEvenAuthenticPackets() throws Exception {
    EspSecurityAssociation out = EspSecurityAssociationTest.outbound(true);
    EspSecurityAssociation in = EspSecurityAssociationTest.inbound(true);
    in.setLifetime(Lifetime.packets(1, 2), now::get, s -> softExpiries.add(-s.spi()));
    for (int i = 0; i < 3; i++) {
      ByteBuf inner = innerDatagram(20);
      ByteBuf outer = out.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64);
      try {
        if (i < 2) {
          in.decapsulate(ALLOC, Ipv4Packet.parse(outer)).release();
        } else {
          assertThat(
                  catchThrowableOfType(
                          () -> in.decapsulate(ALLOC, Ipv4Packet.parse(outer)), EspException.class)
                      .reason())
              .isEqualTo(EspException.Reason.EXPIRED);
        }
      } finally {
        inner.release();
        outer.release();
      }
    }
    assertThat(softExpiries).containsExactly(-0x1001);
    assertThat(in.refused(EspException.Reason.EXPIRED)).isEqualTo(1);
  }

  @Test
  void theClockIsReadOncePerPacketAndNotAtAllWithoutATimeLimit() throws Exception {
    AtomicLong reads = new AtomicLong();
    EspSecurityAssociation untimed = EspSecurityAssociationTest.outbound(true);
    untimed.setLifetime(
        Lifetime.packets(1_000, 2_000), () -> reads.incrementAndGet() * 0, sa -> {});
    EspSecurityAssociation timed = EspSecurityAssociationTest.outbound(true);
    timed.setLifetime(Lifetime.seconds(60, 90), () -> reads.incrementAndGet() * 0, sa -> {});
    assertThat(reads.get()).isEqualTo(2); // the start of each lifetime
    for (int i = 0; i < 10; i++) {
      send(untimed, 10);
    }
    assertThat(reads.get()).isEqualTo(2);
    for (int i = 0; i < 10; i++) {
      send(timed, 10);
    }
    assertThat(reads.get()).isEqualTo(12);
  }

  @Test
  void softAboveHardIsRejected() {
    assertThatThrownBy(() -> Lifetime.seconds(100, 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("soft seconds");
  }

  @Test
  void repointingMovesTheOuterAddressesAndKeepsTheSequence() throws Exception {
    EspSecurityAssociation sa = outbound(Lifetime.UNLIMITED);
    send(sa, 10);
    Ipv4Address newCoa = Ipv4Address.parse("203.0.113.62");
    sa.repoint(newCoa, sa.tunnelDestination());
    ByteBuf inner = innerDatagram(10);
    ByteBuf outer = sa.encapsulate(ALLOC, Ipv4Packet.parse(inner), 64);
    try {
      Ipv4Packet p = Ipv4Packet.parse(outer);
      assertThat(p.source()).isEqualTo(newCoa.toInt());
      assertThat(outer.getInt(p.payloadOffset() + 4)).isEqualTo(2);
    } finally {
      inner.release();
      outer.release();
    }
    assertThatThrownBy(() -> sa.repoint(null, newCoa)).isInstanceOf(IllegalArgumentException.class);
  }
}
