package io.mvpn.fabric.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.fabric.shell.DropsCommand.Row;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** What {@code mvpn:drops} lists for a VRF that was sent garbage. */
class DropsCommandTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final Vrf vrf = new Vrf("public", time, ByteBufAllocator.DEFAULT);
  private final Interface lan =
      vrf.addInterface(
          "lan",
          Ipv4Address.parse("10.1.0.1"),
          24,
          new MemorySegment("lan", LinkProperties.IDEAL, 1).newPort());

  @Test
  void aVrfSentGarbageListsEachReasonWhereItWasCountedAndNothingElse() {
    assertThat(DropsCommand.rows(vrf)).isEmpty();
    for (int i = 0; i < 3; i++) {
      ByteBuf bad = datagram("10.9.0.1");
      bad.setByte(10, bad.getByte(10) ^ 0x01); // header checksum off by one bit
      lan.receive(bad);
    }
    lan.receive(datagram("10.9.0.1"));
    time.runUntilIdle();

    assertThat(DropsCommand.rows(vrf))
        .containsExactly(
            new Row("public", "vrf", "malformed", 3),
            new Row("public", "vrf", "no_route", 1),
            new Row("public", "vrf", "malformed: bad_header_checksum", 3),
            new Row("public", "lan", "malformed", 3),
            new Row("public", "lan", "malformed: bad_header_checksum", 3));
  }

  private static ByteBuf datagram(String destination) {
    return Ipv4Builder.create()
        .source(Ipv4Address.parse("10.1.0.2"))
        .destination(Ipv4Address.parse(destination))
        .protocol(253)
        .ttl(64)
        .build(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(new byte[8]));
  }
}
