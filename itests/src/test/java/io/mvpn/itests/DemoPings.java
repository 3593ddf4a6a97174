package io.mvpn.itests;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What the demo's pings show at one moment: per tenant, the arrival times of the replies (on this
 * JVM's {@link System#nanoTime} clock) and the attachment the node is on.
 *
 * <p>It reads the {@code io.mvpn.demo.RoamingDemo} service by reflection, on the fabric's loop
 * while the demo runs: an update of the demo, or of a library it imports, brings a new demo with
 * new classes, which a test linked against the old classes could not cast to.
 */
final class DemoPings {

  static final String DEMO_CLASS = "io.mvpn.demo.RoamingDemo";

  /** Accessors by class (a new demo revision brings new classes: weak keys let old ones go). */
  private static final Map<Class<?>, Map<String, Method>> METHODS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final ServiceReference<?> reference;
  private final Object demo;

  /** System.nanoTime() minus the demo scheduler's nanoTime(): both count the same JVM clock. */
  private final long offsetNanos;

  private final Map<String, long[]> replies;
  private final Map<String, String> attachedTo;

  /** Each node's last events (registrations, replies, denials), to say why pings did not come. */
  private final Map<String, List<String>> recentEvents;

  private DemoPings(
      ServiceReference<?> reference,
      Object demo,
      long offsetNanos,
      Map<String, long[]> replies,
      Map<String, String> attachedTo,
      Map<String, List<String>> recentEvents) {
    this.reference = reference;
    this.demo = demo;
    this.offsetNanos = offsetNanos;
    this.replies = replies;
    this.attachedTo = attachedTo;
    this.recentEvents = recentEvents;
  }

  /**
   * The demo registered now (the newest if two overlap), with the replies to echoes sent after
   * {@code sinceNanos}; null if there is none.
   */
  static DemoPings current(BundleContext context, long sinceNanos) {
    ServiceReference<?>[] refs;
    try {
      // All references, whatever revision of the demo's package this test is wired to.
      refs = context.getAllServiceReferences(DEMO_CLASS, null);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (refs == null) {
      return null;
    }
    ServiceReference<?> newest =
        Arrays.stream(refs).max((a, b) -> Long.compare(serviceId(a), serviceId(b))).orElseThrow();
    Object demo = context.getService(newest);
    if (demo == null) {
      return null;
    }
    try {
      return read(newest, demo, 0, sinceNanos);
    } catch (RuntimeException e) {
      // The demo is going away under us; the caller asks again.
      return null;
    } finally {
      context.ungetService(newest);
    }
  }

  private static long serviceId(ServiceReference<?> ref) {
    return (Long) ref.getProperty("service.id");
  }

  /** This demo read again: on its loop while it runs, directly once it has stopped. */
  DemoPings reread(long sinceNanos) {
    return read(reference, demo, offsetNanos, sinceNanos);
  }

  private static DemoPings read(
      ServiceReference<?> reference, Object demo, long knownOffset, long sinceNanos) {
    boolean running = reference.getBundle() != null;
    Supplier<DemoPings> reading =
        () -> {
          long offset = knownOffset;
          if (running) {
            Object scheduler = call(call(demo, "publicVrf"), "scheduler");
            offset = System.nanoTime() - (Long) call(scheduler, "nanoTime");
          }
          Map<String, long[]> replies = new LinkedHashMap<>();
          Map<String, String> attachedTo = new LinkedHashMap<>();
          Map<String, List<String>> recentEvents = new LinkedHashMap<>();
          for (Object roamer : (List<?>) call(demo, "roamers")) {
            String tenant = (String) call(roamer, "tenant");
            Object node = call(roamer, "node");
            Object active = call(node, "active");
            boolean connected = (Boolean) call(node, "connected");
            attachedTo.put(
                tenant, active == null || !connected ? "-" : (String) call(active, "name"));
            List<?> events = (List<?>) call(node, "events");
            List<String> recent = new ArrayList<>();
            for (Object event : events.subList(Math.max(0, events.size() - 8), events.size())) {
              recent.add(call(event, "attachment") + ": " + call(event, "what"));
            }
            recentEvents.put(tenant, recent);
            List<Long> times = new ArrayList<>();
            List<?> echoes = (List<?>) call(call(roamer, "ping"), "echoes");
            // Newest first, and only as far back as asked: this runs on the fabric's loop.
            for (int i = echoes.size() - 1; i >= 0; i--) {
              Object echo = echoes.get(i);
              if ((Long) call(echo, "sentAtNanos") + offset < sinceNanos) {
                break;
              }
              long replied = (Long) call(echo, "repliedAtNanos");
              if (replied >= 0) {
                times.add(replied + offset);
              }
            }
            replies.put(tenant, times.stream().mapToLong(Long::longValue).sorted().toArray());
          }
          return new DemoPings(reference, demo, offset, replies, attachedTo, recentEvents);
        };
    if (!running) {
      return reading.get();
    }
    Object fabric = call(demo, "fabric");
    Object vrf = call(demo, "publicVrf");
    return (DemoPings) onLoop(fabric, vrf, reading);
  }

  int nodes() {
    return replies.size();
  }

  boolean heldAt(String attachment) {
    return !attachedTo.isEmpty() && attachedTo.values().stream().allMatch(attachment::equals);
  }

  /** Every node has had at least {@code count} replies that arrived after {@code nanos}. */
  /** Per tenant: the attachment its node is on, "-" when it has none. */
  Map<String, String> attachedTo() {
    return attachedTo;
  }

  /** Per tenant: its node's last events, oldest first. */
  Map<String, List<String>> recentEvents() {
    return recentEvents;
  }

  boolean everyNodeRepliedAfter(long nanos, int count) {
    return !replies.isEmpty()
        && replies.values().stream()
            .allMatch(times -> Arrays.stream(times).filter(t -> t > nanos).count() >= count);
  }

  /**
   * The longest time any node went without a reply between {@code from} and {@code to}, over the
   * demo before an update and the one after it (the same one, or a new one if the update replaced
   * it), counted from {@code from}.
   */
  static long longestSilence(DemoPings before, DemoPings after, long from, long to) {
    // An echo sent a little before the update may be answered after it.
    long since = from - TimeUnit.SECONDS.toNanos(1);
    List<DemoPings> demos = new ArrayList<>(List.of(after.reread(since)));
    if (before != null && before.demo != after.demo) {
      demos.add(before.reread(since));
    }
    long longest = 0;
    for (String tenant : after.replies.keySet()) {
      long[] times =
          demos.stream()
              .flatMapToLong(d -> Arrays.stream(d.replies.getOrDefault(tenant, new long[0])))
              .filter(t -> t > from && t <= to)
              .sorted()
              .toArray();
      long last = from;
      for (long t : times) {
        longest = Math.max(longest, t - last);
        last = t;
      }
      if (times.length == 0) {
        longest = Math.max(longest, to - from);
      }
    }
    return longest;
  }

  private static Object onLoop(Object fabric, Object vrf, Supplier<?> action) {
    for (Method m : fabric.getClass().getMethods()) {
      if (m.getName().equals("onLoop")
          && m.getParameterCount() == 2
          && m.getParameterTypes()[1] == Supplier.class
          && m.getParameterTypes()[0].isInstance(vrf)) {
        return invoke(m, fabric, vrf, action);
      }
    }
    throw new IllegalStateException("no onLoop(Vrf, Supplier) on " + fabric.getClass());
  }

  private static Object call(Object target, String name) {
    Method method =
        METHODS
            .computeIfAbsent(target.getClass(), c -> new ConcurrentHashMap<>())
            .computeIfAbsent(
                name,
                n -> {
                  try {
                    Method m = target.getClass().getMethod(n);
                    m.setAccessible(true);
                    return m;
                  } catch (NoSuchMethodException e) {
                    throw new IllegalStateException(target.getClass() + " has no " + n + "()", e);
                  }
                });
    return invoke(method, target);
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      m.setAccessible(true);
      return m.invoke(target, args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(m + ": " + e.getCause(), e);
    }
  }
}
