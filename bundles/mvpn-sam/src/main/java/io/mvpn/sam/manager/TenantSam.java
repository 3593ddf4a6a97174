package io.mvpn.sam.manager;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** A running security association manager of one tenant: what the shell and metrics ask of it. */
public interface TenantSam {

  String tenant();

  /** The Kerberos realm its nodes and its KDC are in. */
  String realm();

  /** The UDP socket it answers KINK on. */
  InetSocketAddress address();

  /** The pairs it holds, least recently granted first. */
  List<SecurityAssociationPair> pairs();

  /** Its counters by name, in a fixed order: grants, KDC exchanges, refusals by reason, ... */
  Map<String, Long> stats();

  /** Withdraws every pair (nodes get new ones when they next ask); how many there were. */
  int flush();
}
