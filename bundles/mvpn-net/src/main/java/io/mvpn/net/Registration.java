package io.mvpn.net;

/** A handler registration; closing it unregisters the handler. */
@FunctionalInterface
public interface Registration extends AutoCloseable {

  @Override
  void close();
}
