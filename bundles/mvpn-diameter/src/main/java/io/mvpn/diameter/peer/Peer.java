package io.mvpn.diameter.peer;

import io.mvpn.api.time.Scheduler;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's connection state machine (RFC 6733 §5.6): connecting, capabilities exchange with
 * election when both sides connect at once, the open connection with its watchdog, and the orderly
 * close by DPR/DPA. Runs on the node's scheduler only.
 */
public final class Peer {

  private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

  private final DiameterNode node;
  private final PeerConfig config;
  private final Watchdog watchdog;

  private PeerState state = PeerState.CLOSED;
  private Connection initiator;
  private Connection responder;
  private Connection open;
  private DiameterMessage responderCer;
  private Capabilities remote;
  private Scheduler.Timer stateTimer;
  private Scheduler.Timer reconnectTimer;
  private boolean reconnect = true;
  private DisconnectCause lastCause;

  Peer(DiameterNode node, PeerConfig config) {
    this.node = node;
    this.config = config;
    this.watchdog =
        new Watchdog(
            node.scheduler(),
            node.random(),
            node.settings().watchdogInterval().toNanos(),
            NodeSettings.WATCHDOG_JITTER.toNanos(),
            new Watchdog.Actions() {
              @Override
              public void sendWatchdogRequest() {
                sendRequest(CommandCode.DEVICE_WATCHDOG, List.of());
              }

              @Override
              public void failover() {
                node.counters().failovers.increment();
                node.failover(Peer.this);
              }

              @Override
              public void failback() {
                node.counters().failbacks.increment();
              }

              @Override
              public void closeConnection() {
                LOG.info("peer {}: no answer to the watchdog, closing", config.host());
                disconnect(true);
              }
            });
  }

  public PeerConfig config() {
    return config;
  }

  public PeerState state() {
    return state;
  }

  public WatchdogState watchdogState() {
    return watchdog.state();
  }

  /** The capabilities the peer announced in its last CER or CEA, or null. */
  public Capabilities remoteCapabilities() {
    return remote;
  }

  /** The connection in use while open, or null. */
  public Connection connection() {
    return open;
  }

  /** Why the peer last asked to disconnect (its DPR), or null. */
  public DisconnectCause lastDisconnectCause() {
    return lastCause;
  }

  /** Whether requests may go to this peer now: open and the watchdog OKAY. */
  public boolean available() {
    return state.isOpen() && watchdog.available();
  }

  // ---- events from the node

  /** Start: connect, if this peer is one we initiate to. */
  void start() {
    reconnect = true;
    if (state == PeerState.CLOSED && config.initiates()) {
      cancelReconnect();
      state = PeerState.WAIT_CONN_ACK;
      initiator = node.transport().connect(config.address(), node);
      node.own(initiator, this);
      armStateTimer();
    }
  }

  /** Stop: DPR on an open connection (§5.4), else just close; no reconnecting afterwards. */
  void stop(DisconnectCause cause) {
    reconnect = false;
    cancelReconnect();
    if (state.isOpen()) {
      sendRequest(
          CommandCode.DISCONNECT_PEER,
          List.of(Avp.unsigned32(AvpCode.DISCONNECT_CAUSE, cause.ordinal())));
      state = PeerState.CLOSING;
      watchdog.cancel();
      armStateTimer();
    } else if (state != PeerState.CLOSED && state != PeerState.CLOSING) {
      cleanup(false);
    }
  }

  void connected(Connection c) {
    if (c != initiator) {
      return;
    }
    switch (state) {
      case WAIT_CONN_ACK -> {
        sendCer(c);
        state = PeerState.WAIT_I_CEA;
        armStateTimer();
      }
      case WAIT_CONN_ACK_ELECT -> {
        sendCer(c);
        state = PeerState.WAIT_RETURNS;
        elect();
      }
      default -> c.close();
    }
  }

  void connectFailed(Connection c, String reason) {
    if (c != initiator) {
      return;
    }
    initiator = null;
    LOG.debug("peer {}: connect failed: {}", config.host(), reason);
    switch (state) {
      case WAIT_CONN_ACK -> cleanup(true);
      case WAIT_CONN_ACK_ELECT -> acceptResponder();
      default -> {}
    }
  }

  /** R-Conn-CER: a CER from this peer arrived on a connection it opened. */
  void responderCer(Connection c, DiameterMessage cer, Capabilities caps) {
    switch (state) {
      case CLOSED -> {
        cancelReconnect();
        responder = c;
        responderCer = cer;
        remote = caps;
        acceptResponder();
      }
      case WAIT_CONN_ACK -> {
        responder = c;
        responderCer = cer;
        remote = caps;
        state = PeerState.WAIT_CONN_ACK_ELECT;
      }
      case WAIT_I_CEA -> {
        responder = c;
        responderCer = cer;
        remote = caps;
        state = PeerState.WAIT_RETURNS;
        elect();
      }
      default -> {
        // R-Reject: one connection per peer is enough.
        node.counters().rejectedConnections.increment();
        c.close();
      }
    }
  }

  void received(Connection c, DiameterMessage m) {
    if (state == PeerState.WAIT_I_CEA || state == PeerState.WAIT_RETURNS) {
      if (c == initiator) {
        initiatorAnswer(m);
      }
      return;
    }
    if (c != open) {
      return;
    }
    watchdog.received(!m.isRequest() && m.commandCode() == CommandCode.DEVICE_WATCHDOG);
    switch (m.commandCode()) {
      case CommandCode.DEVICE_WATCHDOG -> {
        if (m.isRequest()) {
          c.send(node.baseAnswer(m, ResultCode.SUCCESS, List.of()));
        }
      }
      case CommandCode.DISCONNECT_PEER -> disconnectPeer(c, m);
      case CommandCode.CAPABILITIES_EXCHANGE -> {
        if (m.isRequest()) {
          c.send(node.capabilitiesAnswer(m, ResultCode.SUCCESS));
        }
      }
      default -> node.deliver(this, m);
    }
  }

  void disconnected(Connection c) {
    if (c == initiator) {
      initiator = null;
      switch (state) {
        case WAIT_I_CEA, I_OPEN -> cleanup(true);
        case WAIT_RETURNS -> acceptResponder();
        case CLOSING -> cleanup(false);
        default -> {}
      }
    } else if (c == responder) {
      responder = null;
      responderCer = null;
      switch (state) {
        case WAIT_CONN_ACK_ELECT -> state = PeerState.WAIT_CONN_ACK;
        case WAIT_RETURNS -> state = PeerState.WAIT_I_CEA;
        case R_OPEN -> cleanup(true);
        case CLOSING -> cleanup(false);
        default -> {}
      }
    }
  }

  // ---- actions

  private void initiatorAnswer(DiameterMessage m) {
    if (m.isRequest() || m.commandCode() != CommandCode.CAPABILITIES_EXCHANGE) {
      // I-Rcv-Non-CEA: the peer broke the exchange.
      cleanup(true);
      return;
    }
    try {
      long result = m.resultCode();
      Capabilities caps = Capabilities.of(m);
      if (!initiator.certifies(caps.originHost())) {
        LOG.info("peer {}: certificate names {}", config.host(), initiator.certifiedNames());
        node.counters().uncertifiedPeers.increment();
        cleanup(true);
        return;
      }
      if (result != ResultCode.SUCCESS || !caps.originHost().equals(config.host())) {
        LOG.info(
            "peer {}: CEA {} from {}",
            config.host(),
            ResultCode.name((int) result),
            caps.originHost());
        node.counters().refusedByPeer.increment();
        cleanup(true);
        return;
      }
      if (node.capabilities().conflictsWith(caps)) {
        cleanup(true);
        return;
      }
      remote = caps;
    } catch (MalformedDiameterException e) {
      node.counters().malformed.increment();
      cleanup(true);
      return;
    }
    if (responder != null) {
      // R-Disc: the election was lost; this side's connection carries the traffic.
      responder.close();
      responder = null;
      responderCer = null;
    }
    open(initiator, PeerState.I_OPEN);
  }

  /** Elect (§5.6.4): the higher Origin-Host, compared as octets, keeps its responder connection. */
  private void elect() {
    node.counters().elections.increment();
    byte[] mine = node.capabilities().originHost().getBytes(StandardCharsets.UTF_8);
    byte[] theirs = remote.originHost().getBytes(StandardCharsets.UTF_8);
    if (Arrays.compareUnsigned(mine, theirs) > 0) {
      // Win-Election: drop our own attempt and answer theirs.
      Connection mineConnection = initiator;
      initiator = null;
      if (mineConnection != null) {
        node.disown(mineConnection);
        mineConnection.close();
      }
      acceptResponder();
    }
  }

  /** R-Accept, Process-CER, R-Snd-CEA: the responder connection becomes the open one. */
  private void acceptResponder() {
    Connection c = responder;
    c.send(node.capabilitiesAnswer(responderCer, ResultCode.SUCCESS));
    responderCer = null;
    if (initiator != null) {
      node.disown(initiator);
      initiator.close();
      initiator = null;
    }
    open(c, PeerState.R_OPEN);
  }

  private void open(Connection c, PeerState openState) {
    cancelStateTimer();
    open = c;
    state = openState;
    node.counters().opened.increment();
    LOG.info("peer {} open ({}) on {}", config.host(), openState, c.remote());
    watchdog.connectionUp();
    node.peerOpened(this);
  }

  private void disconnectPeer(Connection c, DiameterMessage m) {
    if (m.isRequest()) {
      try {
        lastCause = DisconnectCause.of(m.unsigned32(AvpCode.DISCONNECT_CAUSE));
      } catch (MalformedDiameterException e) {
        lastCause = DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU;
      }
      // Only a rebooting peer is worth calling back (§5.4.3); the others call us when they want.
      reconnect = lastCause == DisconnectCause.REBOOTING;
      c.send(node.baseAnswer(m, ResultCode.SUCCESS, List.of()));
      state = PeerState.CLOSING;
      watchdog.cancel();
      armStateTimer();
    } else if (state == PeerState.CLOSING) {
      cleanup(false);
    }
  }

  /** Closes everything; {@code failure} leaves the watchdog DOWN and may reconnect after Tc. */
  void disconnect(boolean failure) {
    cleanup(failure);
  }

  private void cleanup(boolean failure) {
    boolean orderly = !failure;
    cancelStateTimer();
    PeerState was = state;
    state = PeerState.CLOSED;
    for (Connection c : new Connection[] {initiator, responder, open}) {
      if (c != null) {
        node.disown(c);
        c.close();
      }
    }
    initiator = null;
    responder = null;
    responderCer = null;
    open = null;
    if (was.isOpen() || was == PeerState.CLOSING || watchdog.state() != WatchdogState.INITIAL) {
      watchdog.connectionDown(orderly && was == PeerState.CLOSING);
    }
    node.peerClosed(this);
    if (reconnect && config.initiates()) {
      reconnectTimer =
          node.scheduler()
              .schedule(
                  node.settings().reconnectInterval().toNanos(), TimeUnit.NANOSECONDS, this::start);
    }
  }

  private void sendCer(Connection c) {
    DiameterMessage cer =
        DiameterMessage.request(
            CommandCode.CAPABILITIES_EXCHANGE, 0, false, node.capabilities().avps());
    c.send(node.identify(cer));
  }

  /** Sends a base request (DWR, DPR) on the open connection. */
  private void sendRequest(int command, List<Avp> extra) {
    if (open == null) {
      return;
    }
    List<Avp> avps = new ArrayList<>(node.capabilities().identity());
    avps.addAll(extra);
    open.send(node.identify(DiameterMessage.request(command, 0, false, avps)));
  }

  private void armStateTimer() {
    cancelStateTimer();
    stateTimer =
        node.scheduler()
            .schedule(
                node.settings().exchangeTimeout().toNanos(),
                TimeUnit.NANOSECONDS,
                () -> {
                  stateTimer = null;
                  LOG.info("peer {}: timeout in {}", config.host(), state);
                  node.counters().timeouts.increment();
                  cleanup(state != PeerState.CLOSING);
                });
  }

  private void cancelStateTimer() {
    if (stateTimer != null) {
      stateTimer.cancel();
      stateTimer = null;
    }
  }

  private void cancelReconnect() {
    if (reconnectTimer != null) {
      reconnectTimer.cancel();
      reconnectTimer = null;
    }
  }

  @Override
  public String toString() {
    return config.host() + " " + state + "/" + watchdog.state();
  }
}
