package io.mvpn.api.testing;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A bundle context that only records the services registered in it, and forgets each one when its
 * registration is withdrawn: how a test sees what a component registers by hand. Anything else
 * asked of the context fails the test.
 */
public final class RecordingContext {

  private final List<Object> registered = new ArrayList<>();
  private final BundleContext context =
      (BundleContext)
          Proxy.newProxyInstance(
              RecordingContext.class.getClassLoader(),
              new Class<?>[] {BundleContext.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("registerService")) {
                  throw new UnsupportedOperationException(method.getName());
                }
                Object service = args[1];
                registered.add(service);
                return Proxy.newProxyInstance(
                    RecordingContext.class.getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class},
                    (p, m, a) -> {
                      if (m.getName().equals("unregister")) {
                        registered.remove(service);
                      }
                      return null;
                    });
              });

  /** The context to hand the component. */
  public BundleContext context() {
    return context;
  }

  /** The services registered now, in the order they were; a live view. */
  public List<Object> registered() {
    return registered;
  }
}
