package io.mvpn.api.config;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;

/**
 * The properties a component registering a service by hand gives it: its configuration's public
 * ones, as Declarative Services would (so filters such as {@code (mvpn.tenant=acme)} match alike),
 * without the framework's and the component runtime's own.
 */
public final class ServiceProperties {

  private static final Set<String> FRAMEWORK_OWNED =
      Set.of("objectClass", "service.id", "service.bundleid", "service.scope");

  private ServiceProperties() {}

  public static Dictionary<String, Object> of(Map<String, ?> configuration) {
    Hashtable<String, Object> properties = new Hashtable<>();
    configuration.forEach(
        (key, value) -> {
          if (value != null
              && !key.startsWith(".")
              && !key.startsWith("component.")
              && !FRAMEWORK_OWNED.contains(key)) {
            properties.put(key, value);
          }
        });
    return properties;
  }
}
