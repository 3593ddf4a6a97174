package io.mvpn.api.ipsec;

/**
 * Told of the Child SAs a key exchange installs, re-keys and deletes: register one as a service
 * (whiteboard) and every IKE responder tells it, on the gateway's thread, after the gateway has
 * taken the change. It must return quickly and not call back into the gateway's thread waiting.
 */
@FunctionalInterface
public interface ChildSaListener {

  void childSa(ChildSaEvent event);
}
