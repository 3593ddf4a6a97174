package io.mvpn.mn.sam;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.mobilenode.sam.HeldSa;
import io.mvpn.mobilenode.sam.SecuredCorrespondents;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.client.SaKeeper;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.client.SamEspPath;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.type.kdc.EncKdcRepPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's SAM path on a Linux host (seed 000 c1): what the kernel routes into the TUN device
 * towards a correspondent of the {@code sam:} block leaves in ESP on an SA the tenant's manager
 * hands out, from the home address through the Mobile IP tunnel, so the SA survives every move of
 * the care-of address. The correspondents are routed in the engine to an interface of the path's
 * own; ESP from them and KINK from the manager are taken off the way into the kernel ({@link
 * SamTun}), and what the ESP carried goes into the kernel in the clear; a correspondent's datagram
 * that came in the clear is dropped and counted, never handed to the kernel.
 *
 * <p>The node's Kerberos keys are fetched off the engine's thread and again, after a doubling wait,
 * while the KDC cannot be reached (it may lie behind the home agent, reachable only once the node
 * is registered). Until then datagrams to correspondents are dropped and counted, never sent in the
 * clear.
 *
 * <p>The node's ticket for its manager is renewed before it is needed: once four fifths of its
 * lifetime have passed (never sooner than {@link #LEAST_RENEWAL_WAIT_MILLIS} after the last), the
 * keys are fetched anew and the client carries the fresh ticket from its next request on, its SAs
 * untouched, and the node's own keys are read anew from the keytab, so a key the KDC changed is
 * taken without a restart. A KDC that does not answer then is asked again after the same doubling
 * wait, while the old ticket still serves; once it has ended, the status says the keys expired and
 * no request is sent to the manager (it would refuse it) until a fresh ticket comes, while the SAs
 * held serve on until their own end. Runs on the engine's event loop.
 */
public final class HostSam implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HostSam.class);
  static final String INTERFACE = "sam";
  private static final long SKEW_MILLIS = 300_000;
  private static final long FIRST_RETRY_MILLIS = 2_000;
  private static final long LAST_RETRY_MILLIS = 60_000;
  static final long LEAST_RENEWAL_WAIT_MILLIS = 10_000;

  private final SamSettings settings;
  private final Ipv4Address home;
  private final Vrf vrf;
  private final Scheduler loop;
  private final NodeKeys.Source keys;
  private final Executor kdcCalls;
  private final SamEspPath.Peers peers;
  private final SamTun kernelSide;
  private final KerberosClock clock;
  private final TokenSas token;
  private Interface tunnel;
  private SamClient client;
  private SamEspPath path;
  private Scheduler.Timer retry;
  private String keysProblem = "not fetched yet";
  private String renewalProblem;
  private long ticketEndsMillis;
  private long renewals;
  private long retryMillis = FIRST_RETRY_MILLIS;
  private long droppedWithoutKeys;
  private long droppedClearFromPeer;
  private boolean closed;

  /**
   * @param kernel the TUN device: what the path opens goes there
   * @param kdcCalls where the (blocking) Kerberos exchanges run
   * @param clock the wall clock on {@code loop}, which tickets and SAs are read on
   * @param token where the SAs are kept (null: in memory only): those it holds from the node's last
   *     run are reopened once the node's keys are in, before any datagram is sent
   */
  public HostSam(
      SamSettings settings,
      Ipv4Address home,
      Vrf vrf,
      Scheduler loop,
      Transport kernel,
      NodeKeys.Source keys,
      Executor kdcCalls,
      KerberosClock clock,
      TokenSas token) {
    this.token = token;
    this.settings = settings;
    this.clock = clock;
    this.home = home;
    this.vrf = vrf;
    this.loop = loop;
    this.keys = keys;
    this.kdcCalls = kdcCalls;
    this.peers = SamEspPath.Peers.of(settings.correspondents());
    this.kernelSide = new SamTun(kernel, this::fromEngine);
  }

  /** The TUN device as the engine's host interface must use it. */
  public Transport kernelSide() {
    return kernelSide;
  }

  /**
   * On the loop, once the node's Mobile IP tunnel exists: routes the correspondents to the path and
   * starts fetching the node's keys.
   */
  public void start(Interface mipTunnel) {
    this.tunnel = mipTunnel;
    Interface own = vrf.addInterface(INTERFACE, SamSettings.PATH_INTERFACE, 32, new ToPath());
    settings
        .correspondents()
        .values()
        .forEach(p -> vrf.addRoute(new Route(Prefix.of(p, 32), null, own, Route.Origin.STATIC)));
    fetchKeys();
  }

  private void fetchKeys() {
    retry = null;
    if (closed) {
      return;
    }
    kdcCalls.execute(
        () -> {
          try {
            NodeKeys got = keys.get();
            loop.execute(() -> keyed(got));
          } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            loop.execute(() -> noKeys(why));
          }
        });
  }

  private void noKeys(String why) {
    if (closed) {
      return;
    }
    if (client == null) {
      keysProblem = why;
      LOG.warn(
          "no Kerberos keys for {}: {}; again in {} ms", settings.principal(), why, retryMillis);
    } else {
      renewalProblem = why;
      LOG.warn(
          "ticket of {} not renewed: {}; again in {} ms", settings.principal(), why, retryMillis);
    }
    retry = loop.schedule(retryMillis, TimeUnit.MILLISECONDS, this::fetchKeys);
    retryMillis = Math.min(LAST_RETRY_MILLIS, retryMillis * 2);
  }

  private void keyed(NodeKeys got) {
    if (closed) {
      return;
    }
    if (client != null) {
      try {
        client.renewKeys(got.managerTicket(), got.keytab());
      } catch (IllegalArgumentException e) {
        noKeys(e.getMessage());
        return;
      }
      renewals++;
      renewalProblem = null;
      LOG.info("ticket of {} renewed", settings.principal());
    } else {
      firstKeys(got);
    }
    retryMillis = FIRST_RETRY_MILLIS;
    EncKdcRepPart times = got.managerTicket().getEncKdcRepPart();
    ticketEndsMillis = times.getEndTime().getTime();
    long wait = renewalWaitMillis(times, clock.unixMillis());
    retry = loop.schedule(wait, TimeUnit.MILLISECONDS, this::fetchKeys);
  }

  /**
   * How long from {@code nowMillis} until a ticket with these times is renewed: until four fifths
   * of its lifetime have passed, and at least {@link #LEAST_RENEWAL_WAIT_MILLIS}, so a KDC handing
   * out tickets that end at once is not asked again and again.
   */
  static long renewalWaitMillis(EncKdcRepPart times, long nowMillis) {
    long end = times.getEndTime().getTime();
    long start =
        times.getStartTime() != null
            ? times.getStartTime().getTime()
            : times.getAuthTime().getTime();
    long renewAt = start + (end - start) / 5 * 4;
    return Math.max(LEAST_RENEWAL_WAIT_MILLIS, renewAt - nowMillis);
  }

  private void firstKeys(NodeKeys got) {
    client =
        new SamClient(
            loop,
            clock,
            settings.principal(),
            got.managerTicket(),
            new ApAcceptor(got.keytab(), settings.principal(), clock, SKEW_MILLIS),
            this::toManager,
            SamClient.Settings.DEFAULT,
            new SecureRandom());
    path =
        new SamEspPath(
            client,
            home,
            peers,
            vrf.alloc(),
            this::toNetwork,
            inner -> kernelSide.toKernel(inner, home.toInt()),
            SamEspPath.Settings.DEFAULT,
            token == null ? SaKeeper.IN_MEMORY : token);
    if (token != null) {
      token.restoreInto(
          path,
          home,
          peers::nodeAt,
          SamEspPath.Settings.DEFAULT.replayWindow(),
          clock.unixMillis());
    }
    keysProblem = null;
    LOG.info("SAM path keyed: {} with manager {}", settings.principal(), settings.manager());
  }

  /** Whether the path takes a datagram the engine would hand the kernel (then it owns it). */
  private boolean fromEngine(ByteBuf datagram) {
    Ipv4Packet ip;
    try {
      ip = Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      return false; // the kernel drops it as it does any malformed datagram
    }
    if (path != null
        && ip.protocol() == IpProtocol.UDP
        && ip.sourceAddress().equals(settings.manager())) {
      try {
        UdpDatagram udp = UdpDatagram.parse(ip);
        if (udp.sourcePort() == SecuredCorrespondents.KINK_PORT
            && udp.destinationPort() == SecuredCorrespondents.KINK_PORT) {
          client.receive(ByteBufUtil.getBytes(udp.payload()));
          datagram.release();
          return true;
        }
      } catch (MalformedPacketException e) {
        return false;
      }
    }
    if (peers.nodeAt(ip.sourceAddress()) == null) {
      return false;
    }
    if (ip.protocol() == IpProtocol.ESP && path != null) {
      path.receive(datagram);
      return true;
    }
    // RFC 4301 §5.2: what a PROTECT policy covers but arrives unprotected is discarded, keyed or
    // not.
    if (ip.protocol() == IpProtocol.ESP) {
      droppedWithoutKeys++;
    } else {
      droppedClearFromPeer++;
    }
    datagram.release();
    return true;
  }

  /** KINK from the home address, routed as the host's traffic is: through the tunnel. */
  private void toManager(byte[] datagram) {
    vrf.sendUdp(
        home,
        settings.manager(),
        SecuredCorrespondents.KINK_PORT,
        SecuredCorrespondents.KINK_PORT,
        Unpooled.wrappedBuffer(datagram));
  }

  /**
   * ESP into the Mobile IP tunnel itself: routed by its destination it would come back to the path.
   */
  private void toNetwork(ByteBuf esp) {
    vrf.send(esp, tunnel, esp.getInt(esp.readerIndex() + 16));
  }

  /** The status lines of the path: its manager, keys, counters and one line per SA held. */
  public String status() {
    StringBuilder lines = new StringBuilder();
    lines.append("sam-manager: ").append(settings.manager()).append('\n');
    lines.append("sam-principal: ").append(settings.principal()).append('\n');
    lines.append("sam-keys: ").append(keys()).append('\n');
    if (client != null) {
      lines.append("sam-ticket-ends: ").append(Instant.ofEpochMilli(ticketEndsMillis));
      lines.append('\n');
      lines.append("sam-ticket-renewals: ").append(renewals);
      if (renewalProblem != null) {
        lines.append(" (renewal failing: ").append(renewalProblem).append(')');
      }
      lines.append('\n');
    }
    if (path != null) {
      SamEspPath.Counters c = path.counters();
      lines.append("sam-requests: ").append(client.counters().requestsSent()).append('\n');
      lines.append("sam-requests-held-ticket-ended: ").append(client.counters().ticketEnded());
      lines.append('\n');
      lines.append("sam-esp-sent: ").append(c.sentAtOnce() + c.sentAfterWait()).append('\n');
      lines.append("sam-esp-received: ").append(c.received()).append('\n');
      lines.append("sam-esp-held-for-install: ").append(c.heldForInstall()).append('\n');
      lines.append("sam-dropped-no-sa: ").append(c.droppedNoSa() + c.droppedHeldFull());
      lines.append('\n');
      lines.append("sam-esp-refused: ").append(refused(c)).append('\n');
      for (HeldSa sa : HeldSa.of(client)) {
        lines.append("sa: ").append(sa.describe()).append('\n');
      }
    }
    lines.append("sam-dropped-without-keys: ").append(droppedWithoutKeys).append('\n');
    lines.append("sam-dropped-clear-from-peer: ").append(droppedClearFromPeer).append('\n');
    if (token != null) {
      lines.append(token.status()).append('\n');
    }
    return lines.toString();
  }

  /** Held, why there are none yet, or expired: the ticket ended and no renewal came in time. */
  private String keys() {
    if (keysProblem != null) {
      return keysProblem;
    }
    if (clock.unixMillis() < ticketEndsMillis) {
      return "held";
    }
    return "expired (ticket ended "
        + Instant.ofEpochMilli(ticketEndsMillis)
        + (renewalProblem == null ? "" : "; renewal failing: " + renewalProblem)
        + ")";
  }

  /** ESP refused (forged, tampered, replayed, for no SA held), with the reasons that occurred. */
  private static String refused(SamEspPath.Counters c) {
    long all = 0;
    StringBuilder reasons = new StringBuilder();
    for (EspException.Reason reason : EspException.Reason.values()) {
      long n = c.refused(reason);
      if (n > 0) {
        all += n;
        reasons.append(reasons.isEmpty() ? " (" : ", ");
        reasons.append(reason.name().toLowerCase(Locale.ROOT)).append(' ').append(n);
      }
    }
    return all + (all == 0 ? "" : reasons + ")");
  }

  /** The node's SAM client, null until its keys are in. */
  public SamClient client() {
    return client;
  }

  /** The ESP path, null until the node's keys are in. */
  public SamEspPath path() {
    return path;
  }

  @Override
  public void close() {
    closed = true;
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    if (path != null) {
      path.close();
      client.close();
    }
  }

  /** The path's own interface: datagrams the engine routes to a correspondent. */
  private final class ToPath implements Transport {
    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      if (path == null) {
        droppedWithoutKeys++;
        datagram.release();
        return;
      }
      path.send(datagram);
    }

    @Override
    public int mtu() {
      return 65_535;
    }

    @Override
    public String describe() {
      return "sam:" + settings.manager();
    }

    @Override
    public void close() {}
  }
}
