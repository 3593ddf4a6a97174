package io.mvpn.packet.ipv4;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {

  /** RFC 1624 incremental updates equal a full recomputation, over many random headers. */
  @Test
  void incrementalChecksumUpdatesEqualFullRecomputation() throws Exception {
    SplittableRandom random = new SplittableRandom(1624);
    for (int i = 0; i < 10_000; i++) {
      ByteBuf d =
          Ipv4Builder.create()
              .source(random.nextInt())
              .destination(random.nextInt())
              .protocol(random.nextInt(256))
              .ttl(2 + random.nextInt(254))
              .tos(random.nextInt(256))
              .identification(random.nextInt(0x10000))
              .build(UnpooledByteBufAllocator.DEFAULT, Unpooled.EMPTY_BUFFER);
      Ipv4Packet ip = Ipv4Packet.parse(d);
      int ttl = ip.ttl();
      ip.decrementTtl();
      ip.setSource(random.nextInt());
      ip.setDestination(random.nextInt());
      int incremental = ip.headerChecksum();
      d.setShort(10, 0);
      int full = InternetChecksum.compute(d, 0, 20);
      assertThat(incremental).as("header %d", i).isEqualTo(full);
      assertThat(ip.ttl()).isEqualTo(ttl - 1);
      d.setShort(10, incremental);
      assertThat(Ipv4Packet.parse(d).ttl()).isEqualTo(ttl - 1);
    }
  }
}
