package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.EspSaKeys;

/**
 * One SA pair a manager holds between two nodes: ESP from {@code first} to {@code second} and back,
 * made from one session key, valid until {@code expiresAtNanos} on the manager's clock. Nodes are
 * named in order ({@code first} sorts before {@code second}), so A asking for B and B asking for A
 * find the same pair.
 */
public record SecurityAssociationPair(
    String first,
    String second,
    EspSaKeys firstToSecond,
    EspSaKeys secondToFirst,
    long createdAtNanos,
    long expiresAtNanos) {

  /** Whether the pair may still be handed out at {@code nowNanos}. */
  public boolean validAt(long nowNanos) {
    return nowNanos - expiresAtNanos < 0;
  }

  /** The SA {@code node} sends on. */
  public EspSaKeys outboundOf(String node) {
    return node.equals(first) ? firstToSecond : secondToFirst;
  }

  /** The SA {@code node} receives on. */
  public EspSaKeys inboundOf(String node) {
    return node.equals(first) ? secondToFirst : firstToSecond;
  }
}
