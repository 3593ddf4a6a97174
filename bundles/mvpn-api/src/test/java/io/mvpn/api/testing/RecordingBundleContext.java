package io.mvpn.api.testing;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A bundle context for a component activated by a test: it only records what is registered by hand,
 * and withdraws it on unregister.
 */
public final class RecordingBundleContext {

  /** One service registered and not yet withdrawn. */
  public record Registered(
      List<String> interfaces, Object service, Dictionary<String, ?> properties) {}

  public final List<Registered> registered = new ArrayList<>();

  /** The services registered now, in order. */
  public List<Object> services() {
    return registered.stream().map(Registered::service).toList();
  }

  @SuppressWarnings("unchecked") // registerService takes a Dictionary<String, ?>
  public BundleContext context() {
    return (BundleContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("registerService")) {
                throw new UnsupportedOperationException(method.getName());
              }
              // registerService takes a class name, several, or the Class itself
              List<String> names;
              if (args[0] instanceof String[] many) {
                names = List.of(many);
              } else if (args[0] instanceof Class<?> type) {
                names = List.of(type.getName());
              } else {
                names = List.of((String) args[0]);
              }
              Registered one = new Registered(names, args[1], (Dictionary<String, ?>) args[2]);
              registered.add(one);
              return Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {ServiceRegistration.class},
                  (p, m, a) -> {
                    if (m.getName().equals("unregister")) {
                      registered.remove(one);
                    }
                    return null;
                  });
            });
  }
}
