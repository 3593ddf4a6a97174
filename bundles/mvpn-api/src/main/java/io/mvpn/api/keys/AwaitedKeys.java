package io.mvpn.api.keys;

/**
 * A function's optional, dynamic hold on the {@link KeyService}: the function reads its keys when
 * it starts, so it must neither stop when the service goes away (its bundle updated, the keystore
 * closed) nor restart when another comes. One whose configuration names stored keys and finds no
 * service waits: its start runs when one is bound. Thread-safe.
 */
public final class AwaitedKeys {

  private KeyService keys;
  private Runnable waiting;

  /** The function's bind method calls this; runs the start that waited, if any. */
  public void bind(KeyService service) {
    Runnable start;
    synchronized (this) {
      keys = service;
      start = waiting;
      waiting = null;
    }
    if (start != null) {
      start.run();
    }
  }

  /** The function's unbind method calls this: nothing running stops. */
  public synchronized void unbind(KeyService service) {
    if (keys == service) {
      keys = null;
    }
  }

  /** The service bound now, or null. */
  public synchronized KeyService current() {
    return keys;
  }

  /**
   * Runs {@code start} now, unless {@code needsStoredKeys} and no service is bound: then when one
   * is.
   *
   * @return whether it ran now
   */
  public boolean startWhenReady(boolean needsStoredKeys, Runnable start) {
    synchronized (this) {
      if (needsStoredKeys && keys == null) {
        waiting = start;
        return false;
      }
    }
    start.run();
    return true;
  }

  /** The function is deactivated: a start still waiting never runs. */
  public synchronized void cancel() {
    waiting = null;
  }
}
