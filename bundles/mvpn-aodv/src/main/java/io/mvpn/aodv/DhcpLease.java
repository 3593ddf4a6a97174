package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;

/**
 * A node that entered a sink with a DHCP hello (seed 002 c58-62), as the shell shows it: who it is,
 * its address and station, where its lease stands, and the datagrams the sink held for it while
 * their routes were discovered: waiting now, held in all, delivered, dropped.
 */
public record DhcpLease(
    String identity,
    Ipv4Address address,
    String hardwareAddress,
    String link,
    State state,
    long secondsLeft,
    int waiting,
    long buffered,
    long delivered,
    long dropped) {

  /** Where the node's lease stands. */
  public enum State {
    /** Its home MSM has been asked; nothing offered or installed. */
    PENDING,
    /** Admitted and offered; nothing installed until it requests the address. */
    OFFERED,
    /** Acknowledged: its filter is installed and the sink acts for it in AODV. */
    BOUND
  }
}
