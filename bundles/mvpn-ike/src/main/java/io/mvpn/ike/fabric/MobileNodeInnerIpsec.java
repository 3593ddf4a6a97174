package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A mobile node's end of IPsec inside its Mobile IP tunnel (seed 002 claim 24): an IKEv2 initiator
 * on UDP 500 of the node's home address, speaking to its home agent through the tunnel, and the ESP
 * tunnel it keys between home address and home agent. IKE and ESP leave from whichever attachment
 * is active, as any datagram from the home address does, so the Mobile IP tunnel under them changes
 * on a move while the SAs, their SPIs and sequence numbers stay.
 *
 * <p>Each attachment's VRF gets UDP 500 and ESP for the home address; what ESP brings goes to
 * {@code deliver}. Runs on the node's scheduler; not thread-safe.
 */
public final class MobileNodeInnerIpsec implements IkeEngine.Listener {

  private static final int TTL = 64;
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /**
   * Sends one datagram from the home address as the node's traffic goes now, taking ownership: into
   * the active attachment's Mobile IP tunnel with a co-located care-of address (the node's route to
   * its home agent leads around it), on the link to a foreign agent otherwise.
   */
  @FunctionalInterface
  public interface HomeAddressOut {
    boolean send(ByteBuf datagram);
  }

  private final Ipv4Address home;
  private final Ipv4Address homeAgent;
  private final HomeAddressOut out;
  private final Consumer<Ipv4Packet> deliver;
  private final IkeSaManager manager;
  private final IkeEngine engine;
  private final InnerEsp esp = new InnerEsp();
  private final List<Registration> registrations = new ArrayList<>();
  private IkeSa ikeSa;

  /** The Child SAs IKE brought, newest first: the first sends. */
  private final Deque<ChildSa> children = new ArrayDeque<>();

  private ChildSa child;
  private long sentWithoutSa;
  private long malformed;

  /**
   * @param config the node's IKE identity, credentials and selectors (its home address alone)
   * @param out sends datagrams from the home address the way the node's traffic goes now
   * @param deliver gets each datagram ESP brought (valid during the call)
   */
  public MobileNodeInnerIpsec(
      Ipv4Address home,
      Ipv4Address homeAgent,
      PeerConfig config,
      Scheduler scheduler,
      EngineSettings settings,
      SecureRandom random,
      HomeAddressOut out,
      Consumer<Ipv4Packet> deliver) {
    this.home = Objects.requireNonNull(home, "home");
    this.homeAgent = Objects.requireNonNull(homeAgent, "homeAgent");
    this.out = Objects.requireNonNull(out, "out");
    this.deliver = Objects.requireNonNull(deliver, "deliver");
    this.manager =
        new IkeSaManager(
            scheduler, this::sendIke, new Endpoint(home, Endpoint.IKE_PORT), settings, random);
    this.engine =
        new IkeEngine(manager, config, new Endpoint(homeAgent, Endpoint.IKE_PORT), false, this);
  }

  /** An attachment's VRF, where the home address is local: IKE and ESP for it arrive there. */
  public void addAttachment(Vrf vrf) {
    registrations.add(
        vrf.bindUdp(
            Endpoint.IKE_PORT,
            (v, in, udp) -> {
              if (udp.ip().destination() == home.toInt()) {
                manager.receive(VrfIkePort.datagram(udp, udp.payload()));
              }
            }));
    registrations.add(vrf.registerProtocol(IpProtocol.ESP, (v, in, p) -> fromHomeAgent(v, p)));
  }

  /** Starts IKE to the home agent (once registered, so its answers reach us). */
  public void establish() {
    ikeSa = engine.initiate(new Endpoint(homeAgent, Endpoint.IKE_PORT));
  }

  /** Deletes the IKE SA and stops listening. */
  public void close() {
    if (ikeSa != null) {
      engine.delete(ikeSa);
    }
    registrations.forEach(Registration::close);
    registrations.clear();
  }

  public IkeEngine engine() {
    return engine;
  }

  /** The Child SA the node sends in, or null before IKE_AUTH. */
  public ChildSa childSa() {
    return child;
  }

  public boolean established() {
    return child != null;
  }

  /** What its ESP did: datagrams decrypted and encrypted, refusals by reason. */
  public InnerEsp esp() {
    return esp;
  }

  /** Datagrams the node could not send because it had no Child SA yet. */
  public long sentWithoutSa() {
    return sentWithoutSa;
  }

  /** Datagrams given to {@link #send} that were not IPv4. */
  public long malformed() {
    return malformed;
  }

  /** Sends one datagram from the home address in ESP to the home agent; takes ownership. */
  public boolean send(ByteBuf datagram) {
    try {
      if (child == null) {
        sentWithoutSa++;
        return false;
      }
      Ipv4Packet sealed = esp.seal(ALLOC, child.outbound(), Ipv4Packet.parse(datagram), TTL);
      return sealed != null && out.send(sealed.datagram());
    } catch (MalformedPacketException e) {
      malformed++;
      return false;
    } finally {
      datagram.release();
    }
  }

  private void fromHomeAgent(Vrf vrf, Ipv4Packet packet) {
    if (packet.destination() != home.toInt()) {
      return;
    }
    ByteBuf inner = esp.open(vrf.alloc(), packet);
    if (inner == null) {
      return;
    }
    try {
      deliver.accept(Ipv4Packet.parse(inner));
    } catch (MalformedPacketException e) {
      vrf.counters().onMalformed(e.reason());
    } finally {
      inner.release();
    }
  }

  private void sendIke(Datagram d) {
    ByteBuf payload = Unpooled.wrappedBuffer(d.payload());
    ByteBuf datagram =
        UdpDatagram.build(
            ALLOC,
            d.source().address().toInt(),
            d.destination().address().toInt(),
            d.source().port(),
            d.destination().port(),
            payload,
            TTL);
    payload.release();
    out.send(datagram);
  }

  // ---- IKE ------------------------------------------------------------------------------------

  @Override
  public void established(IkeSa sa) {
    if (sa == ikeSa && !sa.childSas().isEmpty()) {
      take(sa.childSas().get(0));
    }
  }

  @Override
  public void childSaCreated(IkeSa sa, ChildSa created) {
    if (sa == ikeSa) {
      take(created);
    }
  }

  @Override
  public void childSaDeleted(IkeSa sa, ChildSa deleted) {
    esp.remove(deleted);
    children.remove(deleted);
    // The newest gone (a simultaneous re-key's loser, say), the one before it sends again.
    child = children.peekFirst();
  }

  /** The successor owns the Child SAs now: follow it, or the old one's end would take them. */
  @Override
  public void ikeSaRekeyed(IkeSa old, IkeSa successor) {
    if (old == ikeSa) {
      ikeSa = successor;
    }
  }

  @Override
  public void ended(IkeSa sa) {
    if (sa == ikeSa) {
      sa.childSas().forEach(esp::remove);
      children.clear();
      child = null;
      ikeSa = null;
    }
  }

  /** A new Child SA (the first, or a re-key's) sends from now on; the old one still receives. */
  private void take(ChildSa next) {
    esp.add(next);
    children.addFirst(next);
    child = next;
  }
}
