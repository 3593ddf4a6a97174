package io.mvpn.diameter.peer;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node has done; written on its scheduler, read as a {@link DiameterStats} snapshot. With a
 * {@link CounterStore} the counts live there, in the node's scope, so the node that follows an
 * update goes on from them; without one they live and die with the node.
 */
final class NodeCounters {
  private record Key(
      String peer, String realm, boolean sent, boolean request, int command, long result) {

    private static final String PREFIX = "messages/";

    /** {@code messages/PEER/REALM/sent|received/request|answer/COMMAND/RESULT} in the store. */
    String name() {
      return PREFIX
          + String.join(
              "/",
              peer,
              realm,
              sent ? "sent" : "received",
              request ? "request" : "answer",
              String.valueOf(command),
              String.valueOf(result));
    }

    /** The key a name of {@link #name()}'s stands for, or null for any other name. */
    static Key parse(String name) {
      if (!name.startsWith(PREFIX)) {
        return null;
      }
      String[] f = name.substring(PREFIX.length()).split("/");
      try {
        if (f.length == 6
            && (f[2].equals("sent") || f[2].equals("received"))
            && (f[3].equals("request") || f[3].equals("answer"))) {
          return new Key(
              f[0],
              f[1],
              f[2].equals("sent"),
              f[3].equals("request"),
              Integer.parseInt(f[4]),
              Long.parseLong(f[5]));
        }
      } catch (NumberFormatException notOurs) {
        // Not a name this class writes: left alone.
      }
      return null;
    }
  }

  private final CounterStore store;
  private final String scope;
  // Application messages by peer, direction, command and result, read on the scheduler: few keys,
  // as peers are configured and unknown command and Result-Codes share PeerTraffic.OTHER.
  private final Map<Key, Counter> traffic = new LinkedHashMap<>();

  final Counter requestsSent;
  final Counter requestsReceived;
  final Counter answersSent;
  final Counter answersReceived;
  final Counter relayed;
  final Counter duplicates;
  final Counter unmatchedAnswers;
  final Counter malformed;
  final Counter protocolErrors;
  final Counter unknownPeers;
  final Counter uncertifiedPeers;
  final Counter refusedByPeer;
  final Counter rejectedConnections;
  final Counter elections;
  final Counter opened;
  final Counter timeouts;
  final Counter failovers;
  final Counter failbacks;
  final Counter retransmitted;

  /** Counts of the node's own. */
  NodeCounters() {
    this(null, null);
  }

  /**
   * Counts in {@code store} (if not null), in {@code scope}: a node over the same store and scope
   * goes on from them, its application messages included.
   */
  NodeCounters(CounterStore store, String scope) {
    this.store = store;
    this.scope = scope;
    requestsSent = Counter.of(store, scope, "requests-sent");
    requestsReceived = Counter.of(store, scope, "requests-received");
    answersSent = Counter.of(store, scope, "answers-sent");
    answersReceived = Counter.of(store, scope, "answers-received");
    relayed = Counter.of(store, scope, "relayed");
    duplicates = Counter.of(store, scope, "duplicates");
    unmatchedAnswers = Counter.of(store, scope, "unmatched-answers");
    malformed = Counter.of(store, scope, "malformed");
    protocolErrors = Counter.of(store, scope, "protocol-errors");
    unknownPeers = Counter.of(store, scope, "unknown-peers");
    uncertifiedPeers = Counter.of(store, scope, "uncertified-peers");
    refusedByPeer = Counter.of(store, scope, "refused-by-peer");
    rejectedConnections = Counter.of(store, scope, "rejected-connections");
    elections = Counter.of(store, scope, "elections");
    opened = Counter.of(store, scope, "opened");
    timeouts = Counter.of(store, scope, "timeouts");
    failovers = Counter.of(store, scope, "failovers");
    failbacks = Counter.of(store, scope, "failbacks");
    retransmitted = Counter.of(store, scope, "retransmitted");
    if (store != null) {
      // Traffic an earlier node counted: shown before its next message.
      for (String name : store.snapshot(scope).keySet()) {
        Key key = Key.parse(name);
        if (key != null) {
          traffic.put(key, store.counter(scope, name));
        }
      }
    }
  }

  DiameterStats snapshot() {
    return new DiameterStats(
        requestsSent.get(),
        requestsReceived.get(),
        answersSent.get(),
        answersReceived.get(),
        relayed.get(),
        duplicates.get(),
        unmatchedAnswers.get(),
        malformed.get(),
        protocolErrors.get(),
        unknownPeers.get(),
        uncertifiedPeers.get(),
        refusedByPeer.get(),
        rejectedConnections.get(),
        elections.get(),
        opened.get(),
        timeouts.get(),
        failovers.get(),
        failbacks.get(),
        retransmitted.get());
  }

  /** An application message exchanged with {@code peer}. */
  void message(Peer peer, boolean sent, DiameterMessage m) {
    long result = -1;
    if (!m.isRequest()) {
      try {
        result = ResultCode.isKnown(m.resultCode()) ? m.resultCode() : PeerTraffic.OTHER;
      } catch (MalformedDiameterException e) {
        result = -1; // counted as an answer without a readable Result-Code
      }
    }
    Key key =
        new Key(
            peer.config().host(),
            peer.config().realm(),
            sent,
            m.isRequest(),
            CommandCode.isKnown(m.commandCode()) ? m.commandCode() : PeerTraffic.OTHER,
            result);
    Counter c = traffic.get(key);
    if (c == null) {
      c = Counter.of(store, scope, key.name());
      traffic.put(key, c);
    }
    c.increment();
  }

  List<PeerTraffic> traffic() {
    List<PeerTraffic> out = new ArrayList<>(traffic.size());
    traffic.forEach(
        (k, n) ->
            out.add(
                new PeerTraffic(
                    k.peer(), k.realm(), k.sent(), k.request(), k.command(), k.result(), n.get())));
    return out;
  }
}
