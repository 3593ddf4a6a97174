package io.mvpn.diameter;

import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.peer.AnswerListener;
import io.mvpn.diameter.peer.DiameterStats;
import io.mvpn.diameter.peer.PeerTraffic;
import io.mvpn.diameter.peer.RequestHandler;
import java.util.List;
import java.util.Map;

/**
 * A running Diameter node, one per configured identity: what other functions (the MSM's server, the
 * AODV sink's client) use to send requests and serve applications, and what the shell shows.
 */
public interface DiameterNodeService {

  /** One peer as the shell shows it. */
  record PeerView(
      String host,
      String realm,
      String state,
      String watchdog,
      String connection,
      String applications,
      boolean available) {}

  /** The node's Origin-Host. */
  String originHost();

  String originRealm();

  List<PeerView> peers();

  DiameterStats stats();

  /** Application messages exchanged with each peer, by direction, command and Result-Code. */
  List<PeerTraffic> traffic();

  /**
   * The AA-Requests this node's hello server answered, by what they asked and the outcome (see
   * {@link HelloAaServer#counts()}); empty when it serves none.
   */
  Map<HelloAaServer.Counted, Long> aaAnswers();

  /** Sends a request toward its destination; the listener hears the answer on the node's thread. */
  void send(DiameterMessage request, AnswerListener listener);

  /**
   * Serves an application's requests addressed to this node; advertised to peers connecting next.
   */
  void register(long applicationId, RequestHandler handler);
}
