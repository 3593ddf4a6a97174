package io.mvpn.ipsec.esp;

/**
 * An SA's sequence number, apart from the SA: outbound the last one sent, and as published for
 * readers without the lock, inbound the window's top. Why apart: they change with every packet, on
 * the threads that seal or open, while the gateway's thread reads the SA's object header (its
 * identity hash, for its tunnel lookup) with every packet too; in the SA's own first cache line the
 * two would move that line between cores on each packet.
 */
final class SaSequence {
  long last; // outbound: the last one sent; under the SA's lock
  volatile long published; // sequence() as the lock last left it
}
