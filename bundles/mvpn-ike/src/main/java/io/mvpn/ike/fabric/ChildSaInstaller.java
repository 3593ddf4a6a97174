package io.mvpn.ike.fabric;

import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;

/**
 * A responder's view of its Child SAs as a data plane needs it: each one IKE_AUTH or
 * CREATE_CHILD_SA brings is installed, each one deleted alone or with its IKE SA is uninstalled.
 */
abstract class ChildSaInstaller implements IkeEngine.Listener {

  /** A Child SA came: take it, or refuse it (and count why). */
  abstract void install(IkeSa sa, ChildSa child);

  /** A Child SA went; one never installed is ignored. */
  abstract void uninstall(ChildSa child);

  @Override
  public void established(IkeSa sa) {
    sa.childSas().forEach(child -> install(sa, child));
  }

  @Override
  public void childSaCreated(IkeSa sa, ChildSa child) {
    install(sa, child);
  }

  @Override
  public void childSaDeleted(IkeSa sa, ChildSa child) {
    uninstall(child);
  }

  @Override
  public void ended(IkeSa sa) {
    sa.childSas().forEach(this::uninstall);
  }
}
