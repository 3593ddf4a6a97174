package io.mvpn.api.mobility;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where home agents keep their bindings and replay state, outside their own bundle, so that
 * updating the home agent's code loses neither (blueprint principle 6). Keys always include the
 * tenant: two tenants' mobile nodes may have the same home address.
 *
 * <p>Implementations are thread-safe.
 */
public interface BindingStore {

  /** The bindings of one mobile node (several with simultaneous bindings), oldest first. */
  List<Binding> bindings(MvpnId tenant, Ipv4Address homeAddress);

  /** All bindings of a tenant, ordered by home address then care-of address. */
  List<Binding> bindings(MvpnId tenant);

  /** Adds the binding, replacing one with the same tenant, home and care-of address. */
  void put(Binding binding);

  /** Replaces every binding of the mobile node with this one (no simultaneous bindings). */
  void replaceAll(Binding binding);

  /**
   * A registration's two writes as one: the node's last identification becomes {@code
   * identification}, then {@link #replaceAll(Binding)}. A store may take them under one lock.
   */
  default void replaceAll(Binding binding, long identification) {
    setLastIdentification(binding.tenant(), binding.homeAddress(), identification);
    replaceAll(binding);
  }

  /** Removes one binding; returns it, or null. */
  Binding remove(MvpnId tenant, Ipv4Address homeAddress, Ipv4Address careOfAddress);

  /** Removes every binding of a mobile node; returns how many there were. */
  int removeAll(MvpnId tenant, Ipv4Address homeAddress);

  /** Removes every binding of a tenant (the tenant is gone); returns how many there were. */
  int removeTenant(MvpnId tenant);

  /** The identification of the mobile node's last accepted registration, for replay checks. */
  OptionalLong lastIdentification(MvpnId tenant, Ipv4Address homeAddress);

  /**
   * As {@link #lastIdentification(MvpnId, Ipv4Address)}, {@code none} when there is none: for a
   * home agent's check of every request, which makes no {@link OptionalLong} that way.
   */
  default long lastIdentification(MvpnId tenant, Ipv4Address homeAddress, long none) {
    return lastIdentification(tenant, homeAddress).orElse(none);
  }

  void setLastIdentification(MvpnId tenant, Ipv4Address homeAddress, long identification);

  /** Bindings over all tenants. */
  int size();

  /**
   * This store as seen from a scheduler whose time plus {@code epochOffsetNanos} is Unix time in
   * nanoseconds (the fabric's {@code epochOffsetNanos()}): the {@code registeredAtNanos} and {@code
   * expiresAtNanos} of bindings written and read through the view are on that scheduler's clock.
   *
   * <p>A store whose content outlives the scheduler (a persistent one, across a restart; any one,
   * across an update of the fabric) keeps times as Unix time and rebases them onto the caller's
   * clock, so a binding expires at the same wall-clock instant whichever scheduler reads it.
   * Callers that use the store directly get the clock of a scheduler that started with the store.
   * The default suits a store that never outlives the caller's scheduler: it is the store itself.
   */
  default BindingStore onClock(long epochOffsetNanos) {
    return this;
  }
}
