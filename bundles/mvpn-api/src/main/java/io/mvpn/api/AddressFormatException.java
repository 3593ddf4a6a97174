package io.mvpn.api;

/** Text or bytes that do not denote an IPv4 address or prefix. */
public class AddressFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public AddressFormatException(String message) {
    super(message);
  }
}
