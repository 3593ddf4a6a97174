package io.mvpn.api.config;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The properties a component registering a service by hand gives it: its configuration's public
 * ones, as Declarative Services would (so filters such as {@code (mvpn.tenant=acme)} match alike),
 * without the framework's and the component runtime's own, and without its secrets, which anyone
 * listing services ({@code service:list}) would read.
 *
 * <p>A secret is a field whose name ends (case aside) in {@code psk}, {@code secret}, {@code key},
 * {@code keys} or {@code password} ({@code psk}, {@code linkLogin.masterKeys}), or one the caller
 * names: a list whose entries carry keys, such as a home agent's {@code mobileNodes}.
 */
public final class ServiceProperties {

  private static final Set<String> FRAMEWORK_OWNED =
      Set.of("objectClass", "service.id", "service.bundleid", "service.scope");

  private static final String[] SECRET_ENDINGS = {"psk", "secret", "key", "keys", "password"};

  private ServiceProperties() {}

  /**
   * The configuration's public properties.
   *
   * @param secretFields fields left out besides those whose name says they are secret
   */
  public static Dictionary<String, Object> of(
      Map<String, ?> configuration, String... secretFields) {
    Set<String> secrets = Set.of(secretFields);
    Hashtable<String, Object> properties = new Hashtable<>();
    configuration.forEach(
        (key, value) -> {
          if (value != null
              && !key.startsWith(".")
              && !key.startsWith("component.")
              && !FRAMEWORK_OWNED.contains(key)
              && !secrets.contains(key)
              && !isSecret(key)) {
            properties.put(key, value);
          }
        });
    return properties;
  }

  /** Whether a field's name says it holds a secret. */
  public static boolean isSecret(String field) {
    String name = field.toLowerCase(Locale.ROOT);
    for (String ending : SECRET_ENDINGS) {
      if (name.endsWith(ending)) {
        return true;
      }
    }
    return false;
  }
}
