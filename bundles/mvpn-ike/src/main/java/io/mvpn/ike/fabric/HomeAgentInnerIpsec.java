package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * IPsec inside one home agent's Mobile IP tunnel (seed 002 claim 24): an IKEv2 responder on UDP 500
 * of the home agent's address in the tenant VRF, reached by nodes from their home addresses through
 * the tunnel, and the ESP tunnels it keys between each node's home address and the home agent.
 * Upstream, ESP out of the Mobile IP tunnel is decrypted here and what it carries enters the tenant
 * VRF through the home agent's tunnel interface; downstream, a datagram routed to a node with an SA
 * is encrypted before the home agent tunnels it to the care-of address. A move changes only the
 * outer tunnel: the IKE and Child SAs stay, sequence numbers and all.
 *
 * <p>A Child SA is installed only for a node whose side is its home address alone, the address it
 * speaks IKE from, and the one its authenticated identity may have; others are refused, counted and
 * deleted by an INFORMATIONAL exchange, so the node stops sending in them. Under {@link
 * Mode#REQUIRED} a bound node's plain datagrams are refused both ways (counted), IKE and ESP
 * between it and the home agent excepted. IKE or ESP bearing the home agent's address that the
 * tenant VRF forwards from the site side is spoofed and refused whenever the layer is on ({@link
 * InnerTunnelRefusal#SPOOFED_FROM_SITE}): what the home agent sends itself leaves its own VRF
 * unforwarded. Runs on the tenant VRF's scheduler, the home agent's.
 */
public final class HomeAgentInnerIpsec extends ChildSaInstaller implements InnerTunnelSecurity {

  private static final int TTL = 64;

  /** The tunnel interface's name: a restart of the home agent replaces the interface. */
  private final String tunnelName;

  private final Vrf tenantVrf;
  private final int address;
  private final Mode mode;
  private final Function<Identity, Ipv4Address> homeOf;
  private final VrfIkePort port;
  private final IkeEngine engine;
  private final InnerEsp esp = new InnerEsp();

  /** Per home address the installed Child SAs, newest first: the first sends. */
  private final IntObjectMap<Deque<ChildSa>> childSasByHome = new IntObjectHashMap<>();

  private final Map<ChildSa, Integer> installed = new HashMap<>();
  private Registration espHandler;
  private final Map<InnerTunnelRefusal, Long> tunnelRefusals =
      new EnumMap<>(InnerTunnelRefusal.class);
  private long childSasRefused;

  /**
   * @param tunnel the home agent's tunnel interface in the tenant VRF: its address is the home
   *     agent's, and what the nodes send in ESP enters the VRF through it
   * @param homeOf the home address a node of that identity has, or null for none
   */
  public HomeAgentInnerIpsec(
      Interface tunnel,
      Mode mode,
      PeerConfig config,
      EngineSettings settings,
      SecureRandom random,
      Function<Identity, Ipv4Address> homeOf) {
    this.tunnelName = Objects.requireNonNull(tunnel, "tunnel").name();
    this.tenantVrf = tunnel.vrf();
    this.address = tunnel.address().toInt();
    this.mode = Objects.requireNonNull(mode, "mode");
    this.homeOf = Objects.requireNonNull(homeOf, "homeOf");
    this.port = new VrfIkePort(tenantVrf, tunnel.address(), settings, random);
    this.engine = new IkeEngine(port.manager(), config, null, true, this);
  }

  /**
   * Listens for IKE and ESP; the home agent's tunnel asks this from when the home agent is given it
   * ({@code VirtualHomeAgent.protectInnerWith}).
   */
  public void start() {
    port.start();
    espHandler = tenantVrf.registerProtocol(IpProtocol.ESP, (v, in, p) -> fromNode(p));
  }

  /**
   * Deletes every IKE SA (the nodes learn) and stops listening; take it out of the tunnel first.
   */
  public void close() {
    List.copyOf(engine.sas()).forEach(engine::delete);
    if (espHandler != null) {
      espHandler.close();
      espHandler = null;
    }
    port.close();
    esp.clear();
    childSasByHome.clear();
    installed.clear();
  }

  /** The home agent's address in the tenant VRF: where nodes speak IKE to. */
  public Ipv4Address address() {
    return Ipv4Address.of(address);
  }

  public Mode mode() {
    return mode;
  }

  public IkeEngine engine() {
    return engine;
  }

  /** The SA the home agent sends to that home address in, or null. */
  public EspSecurityAssociation outboundSa(Ipv4Address home) {
    return sendingSa(home.toInt());
  }

  private EspSecurityAssociation sendingSa(int home) {
    Deque<ChildSa> children = childSasByHome.get(home);
    return children == null ? null : children.getFirst().outbound();
  }

  /** What its ESP did: datagrams decrypted and encrypted, refusals by reason. */
  public InnerEsp esp() {
    return esp;
  }

  /** Plain datagrams of bound nodes refused under {@link Mode#REQUIRED}, upstream. */
  public long plainRefusedFromNodes() {
    return tunnelRefused(InnerTunnelRefusal.PLAIN_FROM_NODE);
  }

  /** Plain datagrams for bound nodes refused under {@link Mode#REQUIRED}, downstream. */
  public long plainRefusedToNodes() {
    return tunnelRefused(InnerTunnelRefusal.PLAIN_TO_NODE);
  }

  /** Datagrams kept out of or away from the tunnel for that reason. */
  public long tunnelRefused(InnerTunnelRefusal why) {
    return tunnelRefusals.getOrDefault(why, 0L);
  }

  /** Every tunnel refusal, by reason; the reasons never seen left out. */
  public Map<InnerTunnelRefusal, Long> tunnelRefusals() {
    return Map.copyOf(tunnelRefusals);
  }

  private void refuse(InnerTunnelRefusal why) {
    tunnelRefusals.merge(why, 1L, Long::sum);
  }

  /** Child SAs not installed: not the node's home address alone, or not its identity's. */
  public long childSasRefused() {
    return childSasRefused;
  }

  // ---- the home agent's tunnel ----------------------------------------------------------------

  @Override
  public boolean admits(Ipv4Packet inner) {
    if (mode != Mode.REQUIRED || isKeyedTraffic(inner, inner.destination(), 2)) {
      return true;
    }
    refuse(InnerTunnelRefusal.PLAIN_FROM_NODE);
    return false;
  }

  @Override
  public Ipv4Packet protect(Ipv4Packet inner) {
    if (mode == Mode.OFF) {
      return inner;
    }
    if (isKeyedTraffic(inner, inner.source(), 0)) {
      if (tenantVrf.forwardingFrom() == null) {
        return inner; // the home agent's own IKE (or IKE fragments): never sealed
      }
      // Our address from the site side: someone there speaks IKE or ESP as the home agent.
      refuse(InnerTunnelRefusal.SPOOFED_FROM_SITE);
      return null;
    }
    EspSecurityAssociation sa = sendingSa(inner.destination());
    if (sa != null) {
      return esp.seal(tenantVrf.alloc(), sa, inner, TTL);
    }
    if (mode == Mode.REQUIRED) {
      refuse(InnerTunnelRefusal.PLAIN_TO_NODE);
      return null;
    }
    return inner;
  }

  /**
   * ESP or IKE between the node and us: {@code ours} is our end's address in the header, {@code
   * portAt} where our end's UDP port is in the UDP header.
   */
  private boolean isKeyedTraffic(Ipv4Packet p, int ours, int portAt) {
    if (ours != address) {
      return false;
    }
    if (p.protocol() == IpProtocol.ESP) {
      return true;
    }
    if (p.protocol() != IpProtocol.UDP) {
      return false;
    }
    if (p.fragmentOffset() != 0) {
      // No UDP header to read: it is reassembled at its end, where the first fragment is judged.
      return true;
    }
    if (p.payloadLength() < 8) {
      return false;
    }
    int port = p.buffer().getUnsignedShort(p.payloadOffset() + portAt);
    return port == Endpoint.IKE_PORT || port == Endpoint.NAT_T_PORT;
  }

  /** ESP from a node out of the Mobile IP tunnel: what it carries enters the tenant VRF. */
  private void fromNode(Ipv4Packet packet) {
    if (packet.destination() != address) {
      return;
    }
    Interface tunnel = tenantVrf.getInterface(tunnelName);
    if (tunnel == null) {
      return; // the home agent is stopped: no way into the VRF
    }
    ByteBuf inner = esp.open(tenantVrf.alloc(), packet);
    if (inner != null) {
      tunnel.receive(inner);
    }
  }

  // ---- IKE ------------------------------------------------------------------------------------

  @Override
  void install(IkeSa sa, ChildSa child) {
    Integer home = InnerEsp.singleAddress(child.remoteSelectors());
    Ipv4Address allowed = sa.remoteId() == null ? null : homeOf.apply(sa.remoteId());
    if (home == null
        || home != sa.remote().address().toInt()
        || allowed == null
        || allowed.toInt() != home) {
      childSasRefused++;
      // Agreed already: delete it through IKE, or the node would seal into an SA we drop.
      engine.deleteChildSa(sa, child);
      return;
    }
    esp.add(child);
    // A re-key's new SA takes over sending; the old inbound SA is accepted until IKE deletes it,
    // and sends again if the new one goes first (a simultaneous re-key's loser).
    childSasByHome.computeIfAbsent(home, h -> new ArrayDeque<>()).addFirst(child);
    installed.put(child, home);
  }

  @Override
  void uninstall(ChildSa child) {
    Integer home = installed.remove(child);
    if (home == null) {
      return;
    }
    esp.remove(child);
    Deque<ChildSa> children = childSasByHome.get(home);
    children.remove(child);
    if (children.isEmpty()) {
      childSasByHome.remove(home);
    }
  }
}
