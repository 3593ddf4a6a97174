package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Map;

/** A running foreign agent, as a service: its care-of address, visitors and counters. */
public interface ForeignAgentService {

  Ipv4Address careOf();

  List<Visitor> visitors();

  long relayedRequests();

  long relayedReplies();

  long deliveredToVisitors();

  long reverseTunnelled();

  long dropped();

  /** Registrations relayed and answered, by home agent (so by tenant), in address order. */
  Map<Ipv4Address, HomeAgentFigures> byHomeAgent();

  /** The agent's clock, on which its visitors' expiries count. */
  long nanoTime();
}
