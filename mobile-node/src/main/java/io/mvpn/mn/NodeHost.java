package io.mvpn.mn;

/** A mode's engine on the host, as {@code mvpn-mn up} runs it and the control socket asks it. */
interface NodeHost extends AutoCloseable {

  /** The host engine of the configured mode. */
  static NodeHost of(MnConfig config) {
    HandoverPriority.set(config.priority()); // before the loop's first task takes it
    return config.mode() == MnConfig.Mode.VPN
        ? new VpnNodeHost(config)
        : new MobileNodeHost(config);
  }

  /** Opens devices and sockets, sets the host's routes and starts registering. */
  void start() throws Exception;

  /** The node's state now. */
  NodeStatus status() throws Exception;

  /**
   * Asks the home agent to drop the binding and waits, at most {@code timeoutMillis}, for its
   * answer; true if it dropped it.
   */
  boolean deregister(long timeoutMillis) throws Exception;

  /** Lines {@code status} adds after the node's fields (the SA manager's SAs), or "". */
  default String samStatus() throws Exception {
    return "";
  }

  @Override
  void close();
}
