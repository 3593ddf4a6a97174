package io.mvpn.net.transport;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs a VRF address with the host's own UDP sockets, so real programs (dig, strongSwan, a DHCP
 * client) reach mvpn's protocol handlers. For each mapped port, a datagram that a program sends to
 * the host socket enters the VRF as an IPv4/UDP datagram from the program's address and port to the
 * interface's address and the mapped VRF port; a datagram the VRF routes out of this interface
 * leaves through the host socket of its source port, to its destination address and port. Route the
 * programs' addresses (127.0.0.0/8, say) to this interface.
 *
 * <p>Sends from the sockets' own event loop (the VRF and the sockets on one loop, as a program of
 * its own runs them) are written at once and flushed together once the loop's current task is done:
 * a burst of datagrams, the segments of one TCP super-packet from a TUN device say, leaves in one
 * flush, which a native transport's channel class (given to the constructor) turns into one {@code
 * sendmmsg}. Given a {@link UdpSegmenter} as well, the flush sends each run of equal datagrams to
 * one recipient as one UDP_SEGMENT datagram, which the kernel cuts apart late; a socket whose
 * segmented send the kernel refuses sends that run again datagram by datagram and pauses segmenting
 * (see {@link UdpSegmentBatch}). From any other thread each datagram is written and flushed on its
 * own.
 */
public final class HostSocketTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(HostSocketTransport.class);

  private final EventLoopGroup group;
  private final InetAddress bindAddress;

  /** VRF port to host port, in the order given. */
  private final Map<Integer, Integer> ports;

  private final Class<? extends DatagramChannel> channelClass;
  private final UdpSegmenter segmenter;

  /** Read by senders on any thread while close() may clear them. */
  private final Map<Integer, Channel> byVrfPort = new ConcurrentHashMap<>();

  private final Map<Channel, Flusher> flushers = new ConcurrentHashMap<>();
  private final Map<Integer, ChannelFuture> bound = new LinkedHashMap<>();
  private Interface owner;
  private volatile long unmapped;
  private volatile long refused;
  private volatile long failed;

  /**
   * @param ports VRF port to host port (0 picks a free one); each becomes one host UDP socket
   */
  public HostSocketTransport(
      EventLoopGroup group, InetAddress bindAddress, Map<Integer, Integer> ports) {
    this(group, bindAddress, ports, NioDatagramChannel.class);
  }

  /**
   * @param ports VRF port to host port (0 picks a free one); each becomes one host UDP socket
   * @param channelClass the sockets' channel class, one {@code group}'s I/O handler serves (the
   *     JDK's NIO, or a native transport's)
   */
  public HostSocketTransport(
      EventLoopGroup group,
      InetAddress bindAddress,
      Map<Integer, Integer> ports,
      Class<? extends DatagramChannel> channelClass) {
    this(group, bindAddress, ports, channelClass, null);
  }

  /**
   * @param ports VRF port to host port (0 picks a free one); each becomes one host UDP socket
   * @param channelClass the sockets' channel class, one {@code group}'s I/O handler serves
   * @param segmenter makes the UDP_SEGMENT datagrams {@code channelClass} sends whole; null sends
   *     each datagram as it is. Not with the JDK's NIO, which would send the runs as one datagram.
   */
  public HostSocketTransport(
      EventLoopGroup group,
      InetAddress bindAddress,
      Map<Integer, Integer> ports,
      Class<? extends DatagramChannel> channelClass,
      UdpSegmenter segmenter) {
    if (segmenter != null && NioDatagramChannel.class.isAssignableFrom(channelClass)) {
      throw new IllegalArgumentException(
          channelClass.getSimpleName() + " has no UDP_SEGMENT; give no segmenter");
    }
    this.segmenter = segmenter;
    this.group = Objects.requireNonNull(group, "group");
    this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
    if (!(bindAddress instanceof Inet4Address)) {
      throw new IllegalArgumentException("host sockets bind an IPv4 address, not " + bindAddress);
    }
    this.bindAddress = bindAddress;
    this.ports = new LinkedHashMap<>(ports);
  }

  /** The host socket address serving a VRF port. */
  public InetSocketAddress hostAddress(int vrfPort) {
    Channel channel = byVrfPort.get(vrfPort);
    return channel == null ? null : (InetSocketAddress) channel.localAddress();
  }

  /** The host socket serving a VRF port, for tests. */
  Channel socket(int vrfPort) {
    return byVrfPort.get(vrfPort);
  }

  /** Datagrams routed here whose source port has no host socket (or that were not UDP). */
  public long unmapped() {
    return unmapped;
  }

  /**
   * Sends the host's kernel refused (say {@code ENETUNREACH} once the address the socket sends from
   * has gone with a move), and other socket I/O errors; each a link drop of its interface. A
   * refused segmented send counts once here, and its datagrams go again one by one.
   */
  public long refused() {
    return refused;
  }

  /**
   * Other errors in the sockets' pipelines (a bug, not the network), each logged with its trace.
   */
  public long failed() {
    return failed;
  }

  /** Binds without waiting (attach may run on the event loop that does the binding). */
  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    ports.forEach(
        (vrfPort, hostPort) -> {
          ChannelFuture f =
              new Bootstrap()
                  .group(group)
                  .channel(channelClass)
                  .handler(new Receiver(vrfPort))
                  .bind(new InetSocketAddress(bindAddress, hostPort))
                  .addListener(
                      Sockets.logBindFailure(
                          "host socket " + bindAddress.getHostAddress() + ":" + hostPort));
          bound.put(vrfPort, f);
          byVrfPort.put(vrfPort, f.channel());
          flushers.put(
              f.channel(),
              new Flusher(
                  f.channel(),
                  segmenter == null
                      ? null
                      : new UdpSegmentBatch(segmenter, owner.scheduler()::nanoTime)));
        });
  }

  /** UDP_SEGMENT sends over all sockets so far, and the datagrams they carried. */
  public record Segmented(long sends, long datagrams) {}

  /** What left in UDP_SEGMENT sends so far (a moment old off the sockets' loop). */
  public Segmented segmented() {
    long sends = 0;
    long datagrams = 0;
    for (Flusher f : flushers.values()) {
      if (f.batch != null) {
        sends += f.batch.sends();
        datagrams += f.batch.segments();
      }
    }
    return new Segmented(sends, datagrams);
  }

  /**
   * Sends now what the current task of the sockets' loop has written so far, instead of once the
   * task is done: for a datagram whose every millisecond counts (a registration in a handover)
   * while the task still has other work. On the sockets' loop; elsewhere nothing waits anyway.
   */
  public void flushNow() {
    for (Map.Entry<Channel, Flusher> e : flushers.entrySet()) {
      if (e.getKey().eventLoop().inEventLoop()) {
        e.getValue().run();
      }
    }
  }

  /** Waits until every host socket is bound; not from the event loop. */
  public void awaitBound(long timeout, TimeUnit unit) {
    for (ChannelFuture f : bound.values()) {
      Sockets.await(f, timeout, unit, describe());
    }
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      if (ip.protocol() != IpProtocol.UDP) {
        unmapped++;
        owner.counters().onDrop(DropReason.LINK);
        return;
      }
      UdpDatagram udp = UdpDatagram.parse(ip);
      Channel channel = byVrfPort.get(udp.sourcePort());
      if (channel == null || !channel.isActive()) {
        unmapped++;
        owner.counters().onDrop(DropReason.LINK);
        return;
      }
      InetSocketAddress to =
          new InetSocketAddress(
              InetAddress.getByAddress(Ipv4Address.of(ip.destination()).toBytes()),
              udp.destinationPort());
      DatagramPacket packet = new DatagramPacket(udp.payload().retain(), to);
      if (channel.eventLoop().inEventLoop()) {
        Flusher flusher = flushers.get(channel);
        if (flusher == null) { // closed meanwhile
          packet.release();
          unmapped++;
          owner.counters().onDrop(DropReason.LINK);
          return;
        }
        flusher.write(packet);
      } else {
        channel.writeAndFlush(packet, channel.voidPromise());
      }
    } catch (MalformedPacketException e) {
      owner.counters().onMalformed(e.reason());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    } finally {
      datagram.release();
    }
  }

  /** One flush of a socket after the task that wrote to it; its loop's state only. */
  private final class Flusher implements Runnable {
    private final Channel channel;
    private final UdpSegmentBatch batch;
    private boolean pending;
    private boolean toldRefused;

    Flusher(Channel channel, UdpSegmentBatch batch) {
      this.channel = channel;
      this.batch = batch;
    }

    /** On the channel's loop: write (or keep for the batch), and flush once the task is done. */
    void write(DatagramPacket packet) {
      if (batch == null) {
        channel.write(packet, channel.voidPromise());
      } else {
        batch.add(packet);
      }
      if (!pending) {
        pending = true;
        channel.eventLoop().execute(this);
      }
    }

    @Override
    public void run() {
      if (!pending) {
        return; // flushed early (flushNow), nothing written since
      }
      pending = false;
      if (batch != null) {
        batch.writeTo(channel, this::segmentedSendRefused);
      }
      channel.flush();
    }

    /** A segmented send failed; its datagrams went again one by one (counted if they fail). */
    private void segmentedSendRefused(Throwable cause) {
      onScheduler(() -> refused++);
      if (!toldRefused) {
        toldRefused = true;
        LOG.warn(
            "{} on {}: the kernel refused a UDP_SEGMENT send ({}); sent one datagram at a time,"
                + " segmenting paused {} s after each refusal (counted in refused, not logged)",
            owner.name(),
            channel.localAddress(),
            cause.toString(),
            TimeUnit.NANOSECONDS.toSeconds(UdpSegmentBatch.PAUSE_NANOS));
      }
    }
  }

  @Override
  public int mtu() {
    return 65535;
  }

  @Override
  public String describe() {
    StringBuilder b = new StringBuilder("host:").append(bindAddress.getHostAddress());
    String sep = ":";
    for (Integer vrfPort : ports.keySet()) {
      InetSocketAddress a = hostAddress(vrfPort);
      b.append(sep)
          .append(vrfPort)
          .append('=')
          .append(a == null ? ports.get(vrfPort) : a.getPort());
      sep = ",";
    }
    return b.toString();
  }

  /** Runs on the VRF's loop, where its counters live. */
  private void onScheduler(Runnable r) {
    if (owner.scheduler().inEventLoop()) {
      r.run();
    } else {
      owner.scheduler().execute(r);
    }
  }

  @Override
  public void close() {
    for (Channel channel : byVrfPort.values()) {
      channel.close();
    }
    byVrfPort.clear();
    bound.clear();
    flushers.clear();
  }

  /** Turns what a host program sent into the IPv4/UDP datagram it stands for. */
  private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final int LOG_EVERY = 1_000;

    private final int vrfPort;

    /** I/O errors this socket's pipeline saw; its loop only. */
    private long ioErrors;

    Receiver(int vrfPort) {
      this.vrfPort = vrfPort;
    }

    /**
     * A write the kernel refused reaches the pipeline's end as an I/O exception (the writes carry
     * no promise): counted as the link's drop and logged at a bounded rate (the first, then every
     * {@value #LOG_EVERY}th with the count), without a stack trace. A node whose address just went
     * would otherwise log a trace for each datagram in flight, on the loop that is about to hand
     * over. Anything else is a bug: counted apart and logged with its trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof IOException)) {
        onScheduler(() -> failed++);
        LOG.error(
            "{} on {}: socket pipeline failed", owner.name(), ctx.channel().localAddress(), cause);
        return;
      }
      onScheduler(
          () -> {
            refused++;
            owner.counters().onDrop(DropReason.LINK);
          });
      if (ioErrors++ % LOG_EVERY == 0) {
        LOG.warn(
            "{} on {}: {} ({} send errors on this socket so far; every {}th is logged)",
            owner.name(),
            ctx.channel().localAddress(),
            cause.toString(),
            ioErrors,
            LOG_EVERY);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      InetSocketAddress sender = packet.sender();
      if (!(sender.getAddress() instanceof Inet4Address)) {
        unmapped++;
        return;
      }
      int source = Ipv4Address.of(sender.getAddress().getAddress()).toInt();
      ByteBuf datagram =
          UdpDatagram.build(
              ctx.alloc(),
              source,
              owner.address().toInt(),
              sender.getPort(),
              vrfPort,
              packet.content(),
              64);
      if (owner.scheduler().inEventLoop()) {
        owner.receive(datagram);
      } else {
        owner.scheduler().execute(() -> owner.receive(datagram));
      }
    }
  }
}
