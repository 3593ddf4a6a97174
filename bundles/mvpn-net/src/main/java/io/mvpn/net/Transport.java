package io.mvpn.net;

import io.netty.buffer.ByteBuf;

/**
 * How an {@link Interface} moves raw IPv4 datagrams: an in-memory segment, a UDP point-to-point
 * link, the host's own sockets, a Linux TUN device. Protocol code never sees which.
 *
 * <p>A new transport implements this interface: it is handed its interface once by {@link #attach},
 * calls {@link Interface#receive} on the interface's scheduler for every datagram that arrives, and
 * takes ownership of each buffer given to {@link #send}.
 */
public interface Transport {

  /** Called once, when the interface is created, before any datagram moves. */
  void attach(Interface owner);

  /**
   * Sends one datagram toward the neighbour with address {@code nextHop} (the destination itself on
   * a directly connected route; 255.255.255.255 for a link broadcast). Takes ownership of the
   * buffer: the transport releases it when done.
   */
  void send(ByteBuf datagram, int nextHop);

  /** The largest datagram this link carries, in bytes. */
  int mtu();

  /** A short URI-like description, e.g. {@code mem:lan0} or {@code udp:127.0.0.1:4001}. */
  String describe();

  /**
   * Makes this attachment answer for another address on the link, as proxy and gratuitous ARP do: a
   * home agent standing in for a mobile node that is away. Links without neighbour resolution
   * ignore it.
   */
  default void announce(int address) {}

  /** Stops answering for an address announced before, if this attachment still holds it. */
  default void withdraw(int address) {}

  /**
   * Sends one datagram to a link-layer station (what a MAC address names on Ethernet), whatever its
   * IP address: a foreign agent reaching visitors whose home addresses may be the same. Links
   * without stations send to the datagram's destination address instead.
   */
  default void sendToStation(ByteBuf datagram, int station) {
    send(datagram, datagram.getInt(datagram.readerIndex() + 16));
  }

  /**
   * Keeps a link-layer station known until {@code untilNanos} on the VRF's clock, however silent it
   * stays: a foreign agent holds a visitor's station while its registration lives. False if the
   * link has no such station (any more); links without stations have nothing to hold.
   */
  default boolean holdStation(int station, long untilNanos) {
    return false;
  }

  /** Stops moving datagrams and frees what the transport holds (sockets, queued buffers). */
  void close();
}
