package io.mvpn.api.link;

import java.util.List;
import java.util.Optional;

/**
 * Layer 2's report to layer 3 (seed 000 claim 12): the keys the access link's association
 * handshakes established, by node identity. The access point function publishes; the foreign agent
 * (or, on a node, its registration) reads. A key past its expiry is never returned.
 */
public interface LinkKeyService {

  /** The valid key of this node, if its association completed and has not expired. */
  Optional<LinkKey> keyOf(String identity);

  /** Every valid key (for the shell). */
  List<LinkKey> keys();

  /** Number of keys withdrawn or expired since start. */
  long withdrawn();
}
