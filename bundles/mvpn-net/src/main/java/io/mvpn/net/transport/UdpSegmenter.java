package io.mvpn.net.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Makes one datagram that the kernel cuts into datagrams of {@code segmentSize} payload bytes each
 * (the last may be shorter) as it sends them: Linux's UDP generic segmentation offload ({@code
 * UDP_SEGMENT}, 4.18 and later). With Netty's native epoll transport that is {@code
 * io.netty.channel.unix.SegmentedDatagramPacket::new}, where {@code
 * EpollDatagramChannel.isSegmentedDatagramPacketSupported()}.
 */
@FunctionalInterface
public interface UdpSegmenter {

  /**
   * @param segments the payloads one after another, at least two
   * @param segmentSize the payload bytes of each datagram but the last
   */
  DatagramPacket segmented(ByteBuf segments, int segmentSize, InetSocketAddress recipient);
}
