package io.mvpn.mn;

/** A configuration the node cannot run with; its message is the one line the operator sees. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
