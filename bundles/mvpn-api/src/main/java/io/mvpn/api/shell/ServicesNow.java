package io.mvpn.api.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The services of one type as they are while a shell command runs, given back when it ends.
 *
 * <p>Why not a command's {@code @Reference List<X>}: Karaf's shell unregisters and registers again
 * every command of a bundle whenever a service one of them references comes or goes, so an operator
 * (or a script) typing {@code mvpn:sa list} while a gateway cfg is being applied gets "Command not
 * found". Commands that list functions which come and go with their cfg files therefore hold only
 * their bundle's context, which never changes, and look the functions up when they run.
 *
 * <p>Tests that build a command by hand give it the services directly: {@link #of} returns them
 * when there is no context.
 */
public final class ServicesNow<T> implements AutoCloseable {

  private final BundleContext context;
  private final List<ServiceReference<T>> references;
  private final List<T> services;

  private ServicesNow(
      BundleContext context, List<ServiceReference<T>> references, List<T> services) {
    this.context = context;
    this.references = references;
    this.services = services;
  }

  /**
   * The registered services of {@code type} in the order they were registered, or {@code given} (a
   * test's, or none) when {@code context} is null.
   */
  public static <T> ServicesNow<T> of(BundleContext context, Class<T> type, List<T> given) {
    if (context == null) {
      return new ServicesNow<>(null, List.of(), given == null ? List.of() : List.copyOf(given));
    }
    Collection<ServiceReference<T>> found;
    try {
      found = context.getServiceReferences(type, null);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e); // no filter is given
    } catch (IllegalStateException e) {
      return new ServicesNow<>(null, List.of(), List.of()); // the bundle is stopping
    }
    List<ServiceReference<T>> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparingLong(r -> (Long) r.getProperty(Constants.SERVICE_ID)));
    List<ServiceReference<T>> held = new ArrayList<>();
    List<T> services = new ArrayList<>();
    for (ServiceReference<T> reference : sorted) {
      T service = context.getService(reference);
      if (service != null) { // gone, or its component failed to activate
        held.add(reference);
        services.add(service);
      }
    }
    return new ServicesNow<>(context, held, List.copyOf(services));
  }

  public List<T> services() {
    return services;
  }

  @Override
  public void close() {
    if (context == null) {
      return;
    }
    for (ServiceReference<T> reference : references) {
      try {
        context.ungetService(Objects.requireNonNull(reference));
      } catch (IllegalStateException e) {
        return; // the bundle stopped meanwhile: the framework released them
      }
    }
  }
}
