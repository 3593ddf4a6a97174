package io.mvpn.api;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one kind of event, each told on its own: one that throws is logged and counted,
 * and the others are still told. Adding and removing may happen on any thread, also while events
 * are being told (a listener may add or remove listeners, or call back into the service that tells
 * it), so callers tell outside their own locks.
 *
 * @param <L> the listener type
 */
public final class Listeners<L> implements Iterable<L> {

  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final String what;
  private final List<L> listeners = new CopyOnWriteArrayList<>();
  private volatile long failures;

  /**
   * @param what the events, for the log, e.g. "tenant events"
   */
  public Listeners(String what) {
    this.what = what;
  }

  public void add(L listener) {
    listeners.add(listener);
  }

  public void remove(L listener) {
    listeners.remove(listener);
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Calls every listener with {@code call}, whatever another one throws. */
  public void tell(Consumer<? super L> call) {
    failures += tellEach(listeners, call, what);
  }

  /** How many calls threw since this was made. */
  public long failures() {
    return failures;
  }

  /**
   * Calls each of {@code listeners} (e.g. a whiteboard list that OSGi injects) with {@code call},
   * logging, not passing on, what one throws.
   *
   * @return how many threw
   */
  public static <L> int tellEach(
      Iterable<? extends L> listeners, Consumer<? super L> call, String what) {
    int failed = 0;
    for (L listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        failed++;
        LOG.log(System.Logger.Level.WARNING, "a listener of " + what + " failed: " + listener, e);
      }
    }
    return failed;
  }

  @Override
  public Iterator<L> iterator() {
    return listeners.iterator();
  }
}
