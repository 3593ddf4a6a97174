package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import java.util.Set;

/**
 * What the host says about the laptop's access interface at one moment: whether it is up (the
 * kernel's operational state, so a pulled cable or a lost Wi-Fi association counts too), its IPv4
 * addresses, and how often its carrier changed since the device appeared (so a down and up between
 * two looks is not missed). A missing interface is down and has none.
 */
record AccessLink(boolean up, Set<Ipv4Address> addresses, long carrierChanges) {

  static final AccessLink GONE = new AccessLink(false, Set.of(), -1);

  AccessLink {
    addresses = Set.copyOf(addresses);
  }

  /** Reads the interface's state now. */
  interface Probe {
    AccessLink read();
  }
}
