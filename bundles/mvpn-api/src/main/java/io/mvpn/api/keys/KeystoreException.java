package io.mvpn.api.keys;

/**
 * The keystore could not give a key: it cannot be read or written (a wrong password, a damaged
 * file), or, as {@link UnknownKeyException}, it holds none under the alias. Operator input, not a
 * fault of the code: it carries no stack trace, only its reason.
 */
public class KeystoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KeystoreException(String reason) {
    super(reason);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
