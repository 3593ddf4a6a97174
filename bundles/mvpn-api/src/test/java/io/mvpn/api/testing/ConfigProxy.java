package io.mvpn.api.testing;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A component's configuration annotation as Declarative Services would hand it over, for tests:
 * each element's value from the map (keyed by the element's name), else its default.
 */
public final class ConfigProxy {

  private ConfigProxy() {}

  public static <T> T of(Class<T> type, Map<String, ?> values) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().equals("annotationType")) {
                return type;
              }
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> type.getSimpleName() + values;
                };
              }
              Object value = values.get(method.getName());
              return value != null ? value : method.getDefaultValue();
            }));
  }
}
