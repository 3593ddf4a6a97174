package io.mvpn.net.transport.tap;

/** Why the Ethernet link dropped a frame or a datagram, each counted apart. */
public enum FrameDrop {
  /** Shorter than an Ethernet header. */
  RUNT,
  /** From a group (multicast or broadcast) source MAC, which no station has. */
  BAD_SOURCE,
  /** Unicast to another station: a bridge floods those until it learns where they go. */
  NOT_FOR_US,
  /** An EtherType other than IPv4 and ARP (IPv6, VLAN tags, LLDP). */
  OTHER_ETHERTYPE,
  /** EtherType ARP, but too short, not Ethernet/IPv4, or another operation. */
  BAD_ARP,
  /** EtherType IPv4, but no IPv4 header of the length it claims. */
  BAD_IPV4,
  /** No ARP answer after every try: the datagrams that waited for it. */
  UNRESOLVED,
  /** The address being resolved already had its queue full, or too many were being resolved. */
  PENDING_FULL,
  /** Sent to a station the link no longer knows (silent too long, or never heard). */
  NO_STATION,
  /** Written while the device was gone or refused by it. */
  DEVICE
}
