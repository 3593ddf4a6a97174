package io.mvpn.ike.sa;

import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import java.util.Objects;

/**
 * Puts the inbound ESP SA of every Child SA into a {@link SecurityAssociationDatabase} when its IKE
 * SA is established and takes it out when the IKE SA ends, so ESP stops being accepted the moment
 * the keys that made it are gone (RFC 7296 §1.4.1), or when the peer deletes that Child SA alone.
 * Events then go on to {@code next}.
 */
public final class SadInstaller implements IkeEngine.Listener {

  private final SecurityAssociationDatabase sad;
  private final IkeEngine.Listener next;

  public SadInstaller(SecurityAssociationDatabase sad, IkeEngine.Listener next) {
    this.sad = Objects.requireNonNull(sad, "sad");
    this.next = Objects.requireNonNull(next, "next");
  }

  @Override
  public void established(IkeSa sa) {
    sa.childSas().forEach(child -> sad.add(child.inbound()));
    next.established(sa);
  }

  @Override
  public void childSaCreated(IkeSa sa, ChildSa child) {
    sad.add(child.inbound());
    next.childSaCreated(sa, child);
  }

  @Override
  public void childSaDeleted(IkeSa sa, ChildSa child) {
    sad.remove(child.inbound());
    next.childSaDeleted(sa, child);
  }

  /** The Child SAs, and so their inbound ESP SAs, stay as they are: only their IKE SA is new. */
  @Override
  public void ikeSaRekeyed(IkeSa old, IkeSa successor) {
    next.ikeSaRekeyed(old, successor);
  }

  @Override
  public void ended(IkeSa sa) {
    sa.childSas().forEach(child -> sad.remove(child.inbound()));
    next.ended(sa);
  }
}
