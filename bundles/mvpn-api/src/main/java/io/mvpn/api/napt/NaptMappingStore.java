package io.mvpn.api.napt;

import io.mvpn.api.Ipv4Address;
import java.util.List;

/**
 * Where a NAPT keeps its mappings outside its own bundle (blueprint principle 6), so that a new
 * NAPT instance after {@code bundle:update} keeps every flow on the public port it had. A mapping
 * is named by (public address, protocol, public port). The NAPT writes through on every change of a
 * mapping, not on every datagram.
 *
 * <p>Implementations are thread-safe.
 */
public interface NaptMappingStore {

  /** Adds the mapping, replacing the one on the same public address, protocol and port. */
  void put(NaptMapping mapping);

  /** Removes the mapping on that public port; true if there was one. */
  boolean remove(Ipv4Address publicAddress, int protocol, int publicPort);

  /** The mappings of one public address, in no particular order. */
  List<NaptMapping> mappings(Ipv4Address publicAddress);

  /** Mappings over all public addresses. */
  int size();
}
