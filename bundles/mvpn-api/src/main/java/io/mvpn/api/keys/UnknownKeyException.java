package io.mvpn.api.keys;

/** The keystore holds no key under the alias a configuration names. */
public final class UnknownKeyException extends KeystoreException {

  private static final long serialVersionUID = 1L;

  private final String alias;

  public UnknownKeyException(String alias) {
    super("no key '" + alias + "' in the keystore (mvpn:keys add " + alias + " ...)");
    this.alias = alias;
  }

  public String alias() {
    return alias;
  }
}
