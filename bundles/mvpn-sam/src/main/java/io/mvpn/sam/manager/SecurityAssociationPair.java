package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.EspSaKeys;

/**
 * One SA pair a manager holds between two nodes: ESP from {@code first} to {@code second} and back,
 * made from one session key, valid until {@code expiresAtUnixMillis} (wall-clock, so a stored pair
 * keeps its lifetime across restarts). Nodes are named in order ({@code first} sorts before {@code
 * second}), so A asking for B and B asking for A find the same pair.
 */
public record SecurityAssociationPair(
    String first,
    String second,
    EspSaKeys firstToSecond,
    EspSaKeys secondToFirst,
    long createdAtUnixMillis,
    long expiresAtUnixMillis) {

  /** Whether the pair may still be handed out at {@code nowUnixMillis}. */
  public boolean validAt(long nowUnixMillis) {
    return nowUnixMillis < expiresAtUnixMillis;
  }

  /** Whole seconds of lifetime left at {@code nowUnixMillis}, at least 1 while valid. */
  public long secondsLeft(long nowUnixMillis) {
    return Math.max(1, (expiresAtUnixMillis - nowUnixMillis) / 1000);
  }

  /** The other end of the pair from {@code node}'s side. */
  public String peerOf(String node) {
    return node.equals(first) ? second : first;
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
