package io.mvpn.sam.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.store.InMemorySamPairStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The far side of {@code SamOverNamespacesRealTimeTest}, run by it in a network namespace as a JVM
 * of its own: the SA manager as its component runs it ({@link SamInstance}, pairs in memory), and
 * an IKEv2 responder (mvpn's engine, PSK) on UDP, both on the namespace's address. Prints {@code
 * ready} once both listen, then runs until its input closes.
 *
 * <p>Arguments: realm, KDC {@code host:port}, SAM {@code host:port}, keytab, nodes ({@code
 * node=host:port,...}), data directory, IKE {@code host:port}.
 */
public final class SamInNamespace {

  static final byte[] PSK = "voice needs no key exchange".getBytes(StandardCharsets.UTF_8);

  private SamInNamespace() {}

  public static void main(String[] args) throws Exception {
    SamInstance sam = new SamInstance();
    sam.pairStore = new InMemorySamPairStore();
    sam.activate(config(args));
    String[] ike = args[6].split(":");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Ipv4Address self = Ipv4Address.parse(ike[0]);
    // The test's side of the link, where its KDC listens, is where the IKE initiator is too.
    Ipv4Address initiator = Ipv4Address.parse(args[1].split(":")[0]);
    UdpIkeEndpoint responder =
        new UdpIkeEndpoint(
            group,
            new EventLoopScheduler(group.next()),
            new InetSocketAddress(ike[0], Integer.parseInt(ike[1])),
            PeerConfig.of(
                Identity.ipv4(self),
                Identity.ipv4(initiator),
                new PskAuthenticator(PSK),
                List.of(TrafficSelector.ipv4(self, self)),
                List.of(TrafficSelector.ipv4(initiator, initiator))),
            IkeEngine.Listener.of(sa -> {}, sa -> {}));
    System.out.println("ready " + sam.address());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the test closes our input or ends us
    }
    sam.deactivate();
    responder.close();
    group.shutdownGracefully();
  }

  private static SamInstance.Config config(String[] args) {
    return new TestSamConfig(args[0], args[1], args[2], args[3], args[4], args[5]);
  }
}
