package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AgentAdvertisement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's link in foreign-agent mode, over the host's own stack on its real interface: ICMP
 * (agent solicitations out, advertisements in) through a raw socket bound to the interface, UDP
 * (registrations with the foreign agent) through a host socket on the home address and port 434.
 * The kernel does the Ethernet and ARP; the foreign agent learns the laptop's MAC from its request.
 *
 * <p>Before an advertisement reaches the engine, which answers it with a registration request to
 * the agent at once, {@code onAgent} gets the agent's care-of address and the advertisement's
 * source, so the host's routes to the agent are in place when that request leaves.
 */
final class AgentLinkTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(AgentLinkTransport.class);
  private static final int MAX_DATAGRAM = 2048;

  private final RawIcmpSocket icmp;
  private final HostSocketTransport udp;
  private final BiConsumer<Ipv4Address, Ipv4Address> onAgent;
  private final Runnable onAgentRestart;
  private final AgentRestarts restarts = new AgentRestarts();
  private final LongAdder advertisements = new LongAdder();
  private final LongAdder notAdvertisements = new LongAdder();
  private volatile Consumer<Ipv4Address> onHomeAgent = router -> {};
  private Interface owner;
  private Thread reader;
  private volatile boolean closed;

  /**
   * @param onAgent (care-of address, advertisement source) of each agent advertisement, on the
   *     reader thread, before the engine sees it
   * @param onAgentRestart on the VRF's scheduler, before the engine sees the advertisement that
   *     shows the agent restarted (its sequence number fell below 256)
   */
  AgentLinkTransport(
      RawIcmpSocket icmp,
      HostSocketTransport udp,
      BiConsumer<Ipv4Address, Ipv4Address> onAgent,
      Runnable onAgentRestart) {
    this.icmp = icmp;
    this.udp = udp;
    this.onAgent = onAgent;
    this.onAgentRestart = onAgentRestart;
  }

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    udp.attach(owner);
    reader = new Thread(this::readLoop, "mvpn-mn-agents-" + icmp.device());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Told, on the reader thread, of each home agent's advertisement (H bit, no F bit) heard, with
   * the address it came from: whether that is the node's own home agent is the listener's call.
   */
  void onHomeAgent(Consumer<Ipv4Address> listener) {
    this.onHomeAgent = listener;
  }

  /** Agent advertisements heard on the interface. */
  long advertisements() {
    return advertisements.sum();
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    int protocol = datagram.getUnsignedByte(datagram.readerIndex() + 9);
    if (protocol == IpProtocol.UDP) {
      udp.send(datagram, nextHop);
      return;
    }
    try {
      if (protocol != IpProtocol.ICMP) {
        owner.counters().onDrop(DropReason.LINK); // the kernel routes data; this link is control
        return;
      }
      byte[] bytes = new byte[datagram.readableBytes()];
      datagram.getBytes(datagram.readerIndex(), bytes);
      icmp.send(bytes, bytes.length);
    } catch (IOException e) {
      LOG.warn("{}", e.getMessage());
      owner.counters().onDrop(DropReason.LINK);
    } finally {
      datagram.release();
    }
  }

  private void readLoop() {
    byte[] buffer = new byte[MAX_DATAGRAM];
    while (!closed) {
      int n;
      try {
        n = icmp.receive(buffer);
      } catch (IOException e) {
        if (!closed) {
          LOG.error("agent discovery stopped: {}", e.getMessage());
        }
        return;
      }
      if (n > 0) {
        heard(Unpooled.copiedBuffer(buffer, 0, n));
      }
    }
  }

  /** Hands an agent advertisement to the engine; anything else the raw socket saw is ignored. */
  private void heard(ByteBuf datagram) {
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      IcmpMessage message = IcmpMessage.parse(ip);
      AgentAdvertisement ad =
          message.type() == IcmpType.ROUTER_ADVERTISEMENT
              ? AgentAdvertisement.parse(RouterAdvertisement.parse(message))
              : null;
      if (ad != null
          && ad.has(AgentAdvertisement.FLAG_HOME_AGENT)
          && !ad.has(AgentAdvertisement.FLAG_FOREIGN_AGENT)) {
        onHomeAgent.accept(ip.sourceAddress()); // perhaps the home link: nothing to register
      }
      if (ad == null
          || !ad.has(AgentAdvertisement.FLAG_FOREIGN_AGENT)
          || ad.careOfAddresses().isEmpty()) {
        notAdvertisements.increment(); // echo replies, other routers' advertisements
        datagram.release();
        return;
      }
      advertisements.increment();
      Ipv4Address careOf = ad.careOfAddresses().get(0);
      onAgent.accept(careOf, ip.sourceAddress());
      if (restarts.restarted(careOf, ad.sequence())) {
        LOG.info(
            "foreign agent {} restarted (sequence {}): registering again", careOf, ad.sequence());
        owner.scheduler().execute(onAgentRestart);
      }
      owner.scheduler().execute(() -> owner.receive(datagram));
    } catch (MalformedPacketException | RuntimeException e) {
      notAdvertisements.increment();
      datagram.release();
    }
  }

  @Override
  public int mtu() {
    return 1500;
  }

  @Override
  public String describe() {
    return "agents:" + icmp.device() + " " + udp.describe();
  }

  @Override
  public void close() {
    closed = true;
    if (reader != null) {
      try {
        reader.join(TimeUnit.MILLISECONDS.toMillis(4L * RawIcmpSocket.RECEIVE_TIMEOUT_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    icmp.close();
    udp.close();
  }
}
