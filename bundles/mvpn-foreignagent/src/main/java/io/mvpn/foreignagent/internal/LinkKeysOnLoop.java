package io.mvpn.foreignagent.internal;

import io.mvpn.api.link.LinkKey;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.util.List;
import java.util.Optional;

/**
 * An access point's link keys for other threads (the shell, other functions): every call runs on
 * the access VRF's loop, where the access point's state lives.
 */
final class LinkKeysOnLoop implements LinkKeyService {

  private final FabricService fabric;
  private final Vrf access;
  private final LinkKeyService accessPoint;

  LinkKeysOnLoop(FabricService fabric, Vrf access, LinkKeyService accessPoint) {
    this.fabric = fabric;
    this.access = access;
    this.accessPoint = accessPoint;
  }

  @Override
  public Optional<LinkKey> keyOf(String identity) {
    return fabric.onLoop(access, () -> accessPoint.keyOf(identity));
  }

  @Override
  public List<LinkKey> keys() {
    return fabric.onLoop(access, accessPoint::keys);
  }

  @Override
  public long withdrawn() {
    return fabric.onLoop(access, accessPoint::withdrawn);
  }
}
