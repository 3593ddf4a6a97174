package io.mvpn.ike.sa;

import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.crypto.BufferedDrbg;
import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The IKE SAs of one local endpoint (an address, its port 500 and its port 4500), as libcharon's
 * IKE_SA manager holds them: every SA by the SPI this end chose, one demultiplexer for every IKE
 * datagram that arrives there, and the peer configurations ({@link IkeEngine}s) it serves. A new
 * IKE_SA_INIT request gets the configuration whose remote address it came from (or one for anyone);
 * at IKE_AUTH the peer's identity may pick another of the same address. The exchanges are the
 * tasks' ({@link IkeSaInitResponder}, {@link RequestResponder}, {@link ResponseProcessor}); each
 * SA's requests and their retransmissions are its {@link TaskManager}'s. A datagram that does not
 * parse, or does not authenticate, is counted and dropped without touching any SA, so one peer's
 * garbage cannot stall another's exchange (RFC 7296 §2.21).
 *
 * <p>All methods run on the scheduler's thread.
 */
public final class IkeSaManager {

  /**
   * How long a responder keeps an IKE SA replaced by a re-key whose Delete never comes, and its SA
   * of a lost simultaneous re-key (§2.8.2), which the peer should delete.
   */
  static final long REKEYED_TIMEOUT_SECONDS = 30;

  private final Scheduler scheduler;
  private final Transport transport;
  private final Endpoint local;
  private final EngineSettings settings;
  private final SecureRandom random;
  private final EngineCounters counters;
  private final IkeFragmentation fragmentation;
  private final Map<Long, IkeSa> sas = new HashMap<>();
  private final List<IkeEngine> peers = new ArrayList<>();
  private final IkeSaInitResponder initResponder;
  private final RequestResponder requestResponder;
  private final ResponseProcessor responseProcessor;
  private final TaskManager.Exchanges exchanges = new Exchanges();

  /**
   * @param random the endpoint's randomness: the platform's own ({@code new SecureRandom()}) is
   *     read through a {@link BufferedDrbg}, any other is used as it is
   */
  public IkeSaManager(
      Scheduler scheduler,
      Transport transport,
      Endpoint local,
      EngineSettings settings,
      SecureRandom random) {
    this(scheduler, transport, local, settings, random, new EngineCounters());
  }

  /**
   * An endpoint that counts in {@code counters}, such as counters in a {@link
   * io.mvpn.api.mobility.CounterStore} an earlier endpoint of the same daemon counted in.
   */
  public IkeSaManager(
      Scheduler scheduler,
      Transport transport,
      Endpoint local,
      EngineSettings settings,
      SecureRandom random,
      EngineCounters counters) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.local = Objects.requireNonNull(local, "local");
    this.settings = Objects.requireNonNull(settings, "settings");
    // Buffered: a responder draws five times per setup, 76 bytes in all. Only the platform's own
    // generator is wrapped (seeded here, not at the first packet); one from a FIPS module or a
    // token is used as given.
    this.random = BufferedDrbg.around(Objects.requireNonNull(random, "random"));
    this.fragmentation = new IkeFragmentation(settings, scheduler, counters);
    this.initResponder = new IkeSaInitResponder(this);
    this.requestResponder = new RequestResponder(this);
    this.responseProcessor = new ResponseProcessor(this);
  }

  public Endpoint local() {
    return local;
  }

  public EngineCounters counters() {
    return counters;
  }

  /** Every IKE SA of this endpoint, whichever peer configuration it runs under. */
  public Collection<IkeSa> sas() {
    return List.copyOf(sas.values());
  }

  /** The SA whose local SPI this is, or null. */
  public IkeSa sa(long localSpi) {
    return sas.get(localSpi);
  }

  /** The peer configurations served here, in the order they were added. */
  public List<IkeEngine> peers() {
    return List.copyOf(peers);
  }

  void add(IkeEngine peer) {
    peers.add(peer);
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** One UDP payload that arrived on port 500 (or on 4500, the non-ESP marker taken off). */
  public void receive(Datagram datagram) {
    counters.received.increment();
    byte[] raw = datagram.payload();
    IkeMessage message;
    try {
      message = IkeMessage.parse(Unpooled.wrappedBuffer(raw));
    } catch (IkeFormatException e) {
      initResponder.malformed(datagram, e);
      return;
    }
    if ((message.header().flags() & IkeHeader.RESPONSE) != 0) {
      responseProcessor.process(message, raw);
    } else if (IkeSaInitResponder.isInitRequest(message.header())) {
      initResponder.process(datagram, message);
    } else {
      requestResponder.process(datagram, message);
    }
  }

  /**
   * One UDP payload that arrived on port 4500: IKE if it starts with the non-ESP marker (RFC 3948
   * §2.2), then handled as {@link #receive}; anything else (ESP, a NAT keepalive) is counted and
   * left alone. True if it was IKE.
   */
  public boolean receiveNatT(Datagram datagram) {
    byte[] p = datagram.payload();
    int marker = IkeHeader.NON_ESP_MARKER_LENGTH;
    if (p.length < marker || p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
      counters.notIke.increment();
      return false;
    }
    byte[] ike = java.util.Arrays.copyOfRange(p, marker, p.length);
    receive(datagram.withPayload(ike));
    return true;
  }

  /**
   * The SA a message belongs to: our SPI is the responder's if the original initiator sent it.
   * Null, counted, if there is none.
   */
  IkeSa lookup(IkeHeader h) {
    long ours = (h.flags() & IkeHeader.INITIATOR) != 0 ? h.spiR() : h.spiI();
    IkeSa sa = sas.get(ours);
    if (sa == null || sa.spiI() != h.spiI() || (sa.spiR() != h.spiR() && sa.spiR() != 0)) {
      counters.unknownSpi.increment();
      return null;
    }
    return sa;
  }

  /**
   * The responding peer configuration for an IKE_SA_INIT request from {@code remote}: the one of
   * that address and port, else the first of that address, else the first for anyone; null if none.
   */
  IkeEngine peerFor(Endpoint remote) {
    IkeEngine sameAddress = null;
    IkeEngine anyone = null;
    for (IkeEngine peer : peers) {
      Endpoint expected = peer.remote();
      if (!peer.responds()) {
        continue;
      } else if (expected == null) {
        anyone = anyone == null ? peer : anyone;
      } else if (expected.equals(remote)) {
        return peer;
      } else if (expected.address().equals(remote.address()) && sameAddress == null) {
        sameAddress = peer;
      }
    }
    return sameAddress != null ? sameAddress : anyone;
  }

  /**
   * At IKE_AUTH: {@code chosen} if it expects {@code peer} by name; else the first responding
   * configuration that does, of the SA's remote address or for anyone (a named peer beats one for
   * any identity, as in strongSwan); else {@code chosen}, which then decides.
   */
  IkeEngine peerFor(IkeSa sa, Identity peer, IkeEngine chosen) {
    if (peer.equals(chosen.config().remoteId())) {
      return chosen;
    }
    for (IkeEngine other : peers) {
      Endpoint expected = other.remote();
      if (other.responds()
          && peer.equals(other.config().remoteId())
          && (expected == null || expected.address().equals(sa.remote().address()))) {
        return other;
      }
    }
    return chosen;
  }

  // ---- what the engines ask for ---------------------------------------------------------------

  IkeSa initiate(IkeEngine owner, Endpoint remote) {
    IkeSa sa = new IkeSa(true, newIkeSpi(), 0, local, remote);
    sa.owner(owner);
    register(sa);
    sa.tasks().queueLater(new IkeSaInitTask(owner.config(), random));
    sa.tasks().queue(new IkeAuthTask(owner.config(), random));
    return sa;
  }

  /** Queues {@code task} on an established SA; other SAs take no new exchanges. */
  void queue(IkeSa sa, IkeTask task) {
    if (sa.state() == IkeSaState.ESTABLISHED) {
      sa.tasks().queue(task);
    }
  }

  // ---- the SAs' lives, for the exchanges ------------------------------------------------------

  /** Makes {@code sa} findable by its local SPI and gives it a task manager. */
  void register(IkeSa sa) {
    if (sa.tasks() == null) {
      sa.tasks(new TaskManager(sa, scheduler, settings, counters, random, exchanges));
    }
    if (!sa.owner().espFollowsIke()) {
      sa.path().pinEsp();
    }
    sas.put(sa.localSpi(), sa);
  }

  /** IKE_AUTH done at either end. */
  void established(IkeSa sa) {
    initResponder.settled(sa);
    logKeys(sa);
    sa.listener().established(sa);
    sa.tasks().scheduleIkeRekey();
    sa.childSas().forEach(sa.tasks()::scheduleChildRekey);
  }

  void childSaCreated(IkeSa sa, ChildSa child) {
    sa.listener().childSaCreated(sa, child);
    sa.tasks().scheduleChildRekey(child);
  }

  /** The re-key of {@code old} is through: {@code successor} takes over its Child SAs. */
  void replace(IkeSa old, IkeSa successor) {
    successor.takeOver(old);
    old.state(IkeSaState.REKEYED);
    old.listener().ikeSaRekeyed(old, successor);
    successor.tasks().scheduleIkeRekey();
    successor.tasks().startNext(); // what we had queued on the old SA
  }

  /** Ends {@code sa} if its peer does not delete it in time: it is redundant. */
  void expireRekeyed(IkeSa sa) {
    scheduler.schedule(
        REKEYED_TIMEOUT_SECONDS,
        TimeUnit.SECONDS,
        () -> {
          if (sa.state() != IkeSaState.DESTROYED && sa.childSas().isEmpty()) {
            destroy(sa);
          }
        });
  }

  void destroy(IkeSa sa) {
    sa.tasks().stop();
    sa.tasks().fragments(true, null);
    sa.state(IkeSaState.DESTROYED);
    sas.remove(sa.localSpi());
    initResponder.forget(sa);
    sa.listener().ended(sa);
  }

  /** At debug level only: the keys that let Wireshark open this SA's messages. */
  static void logKeys(IkeSa sa) {
    if (KEY_LOG.isDebugEnabled() && sa.keys() != null) {
      KEY_LOG.debug("ikev2_decryption_table: {}", sa.wiresharkKeyLine());
    }
  }

  private static final org.slf4j.Logger KEY_LOG =
      org.slf4j.LoggerFactory.getLogger(IkeEngine.class.getName() + ".keys");

  /** A random SPI, never 0 (§3.1) and not one of ours already. */
  long newIkeSpi() {
    long spi;
    do {
      spi = random.nextLong();
    } while (spi == 0 || sas.containsKey(spi));
    return spi;
  }

  byte[] cookie2() {
    byte[] cookie = new byte[16];
    random.nextBytes(cookie);
    return cookie;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  EngineSettings settings() {
    return settings;
  }

  SecureRandom random() {
    return random;
  }

  IkeFragmentation fragmentation() {
    return fragmentation;
  }

  // ---- sending --------------------------------------------------------------------------------

  /**
   * Answers {@code datagram}'s request: to the address and port it came from, from the ones it was
   * sent to (§2.11), which after a move to port 4500 (§2.23) need not be the SA's of IKE_SA_INIT.
   */
  void respond(IkeSa sa, Datagram datagram, IkeHeader request, List<IkePayload> payloads) {
    int flags = IkeHeader.RESPONSE | (sa.isInitiator() ? IkeHeader.INITIATOR : 0);
    IkeHeader h =
        IkeHeader.of(sa.spiI(), sa.spiR(), request.exchangeType(), flags, request.messageId());
    List<byte[]> datagrams =
        fragmentation.encode(sa, new IkeMessage(h, payloads), datagram.destination());
    if (request.exchangeType() == IkeHeader.IKE_SA_INIT) {
      sa.initMessage(false, datagrams.get(0)); // RealMessage2
    }
    sa.tasks().answered(datagram.payload(), datagrams);
    answer(datagram, datagrams);
  }

  /** Sends {@code datagrams} back to where {@code request} came from, from where it went. */
  void answer(Datagram request, List<byte[]> datagrams) {
    for (byte[] bytes : datagrams) {
      transport.send(new Datagram(request.destination(), request.source(), bytes, request.via()));
    }
  }

  private void send(IkeSa sa, List<byte[]> datagrams) {
    for (byte[] bytes : datagrams) {
      transport.send(new Datagram(sa.local(), sa.remote(), bytes, sa.via()));
    }
  }

  /** What each SA's task manager asks of its manager. */
  private final class Exchanges implements TaskManager.Exchanges {

    @Override
    public List<byte[]> encodeRequest(IkeSa sa, IkeTask task, long messageId) {
      boolean init = task.exchangeType() == IkeHeader.IKE_SA_INIT;
      IkeHeader h =
          IkeHeader.of(
              sa.spiI(),
              sa.isInitiator() && init ? 0 : sa.spiR(),
              task.exchangeType(),
              sa.isInitiator() ? IkeHeader.INITIATOR : 0,
              messageId);
      List<IkePayload> payloads = task.buildRequest(sa);
      if (init && settings.fragmentation()) {
        payloads = IkeFragmentation.announce(payloads); // RFC 7383 §2.3
      }
      List<byte[]> datagrams = fragmentation.encode(sa, new IkeMessage(h, payloads), sa.local());
      if (init) {
        sa.initMessage(true, datagrams.get(0)); // RealMessage1 is the request as last sent (§2.15)
      }
      return datagrams;
    }

    @Override
    public void send(IkeSa sa, List<byte[]> datagrams) {
      IkeSaManager.this.send(sa, datagrams);
    }

    @Override
    public void peerDead(IkeSa sa) {
      sa.fail(-1);
      destroy(sa);
    }

    @Override
    public void rekeyIkeSa(IkeSa sa) {
      if (sa.state() == IkeSaState.ESTABLISHED && sas.get(sa.localSpi()) == sa) {
        sa.owner().rekeyIkeSa(sa);
      }
    }

    /** The Child SA is re-keyed in whichever IKE SA holds it then: IKE re-keys move it. */
    @Override
    public void rekeyChildSa(ChildSa child) {
      for (IkeSa sa : sas.values()) {
        if (sa.state() == IkeSaState.ESTABLISHED && sa.childSas().contains(child)) {
          sa.owner().rekeyChildSa(sa, child, settings.rekey().pfsGroup());
          return;
        }
      }
    }
  }
}
