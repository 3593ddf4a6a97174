package io.mvpn.mobilenode.correspondent;

import io.mvpn.api.Ipv4Address;

/**
 * One entry of a correspondent's binding cache: datagrams for {@code home} go tunnelled to {@code
 * careOf} until {@code expiresAtNanos} (scheduler time); {@code tunnelled} counts those sent so.
 */
public record Binding(
    Ipv4Address home,
    Ipv4Address careOf,
    int lifetimeSeconds,
    long expiresAtNanos,
    long identification,
    long tunnelled) {

  Binding withTunnelled(long count) {
    return new Binding(home, careOf, lifetimeSeconds, expiresAtNanos, identification, count);
  }

  @Override
  public String toString() {
    return home + " -> " + careOf + " lifetime " + lifetimeSeconds + " s, " + tunnelled + " sent";
  }
}
