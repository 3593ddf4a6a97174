package io.mvpn.api.keys;

/** The keystore file exists but does not open with the password the appliance was given. */
public final class WrongKeystorePasswordException extends KeystoreException {

  private static final long serialVersionUID = 1L;

  public WrongKeystorePasswordException(String file) {
    super("the keystore " + file + " does not open with the configured password");
  }
}
