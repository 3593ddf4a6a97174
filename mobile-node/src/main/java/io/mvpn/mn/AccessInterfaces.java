package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Mode vpn's access interfaces, most preferred first (a laptop's Wi-Fi, then its LTE): which one
 * carries the node (the active one) and which are standbys. One {@link MoveDetector} looks at each,
 * all woken by one subscription to the kernel's notifications. The node is on the most preferred
 * interface that is up with an address; it leaves the active one at once when that loses its link
 * or address and a standby has one (no look beyond the notification's), and goes back to a more
 * preferred one as soon as that has an address again, while the one it leaves still works (make
 * before break). Every standby that is up with an address is kept warm: a NAT-T keepalive from it
 * when it gains the address and then every {@link #KEEPALIVE_MILLIS}, one timer per standby, so its
 * router's neighbour entry and any NAT mapping on its path are there when the node comes.
 * Everything runs on the scheduler's thread.
 */
final class AccessInterfaces {

  /** What the host does for the choice; on the scheduler's thread. */
  interface Links {
    /** Take {@code device}'s address as the care-of address (first attach, move, or a flap). */
    void attach(String device, String why);

    /**
     * As {@link #attach(String, String)}, with the address {@code device} was seen with in this
     * very task: the host need not look again.
     */
    default void attach(String device, Ipv4Address address, String why) {
      attach(device, why);
    }

    /** {@code device} is a standby with {@code address}: send a keepalive from it now. */
    void warm(String device, Ipv4Address address);

    /**
     * {@code device} is a standby that is not warm: down, or without an address (said again when
     * nothing changed for the host).
     */
    void cold(String device);
  }

  /**
   * How often a standby sends its keepalive: under the 20 s of RFC 3948's example, and under the
   * shortest UDP mappings NATs commonly keep (30 s), so one lost keepalive still leaves time.
   */
  static final long KEEPALIVE_MILLIS = 15_000;

  private static final Prefix LINK_LOCAL = Prefix.parse("169.254.0.0/16");

  private final List<String> devices;
  private final Map<String, AccessLink.Probe> probes = new HashMap<>();
  private final Map<String, MoveDetector> detectors = new LinkedHashMap<>();
  private final Map<String, Scheduler.Timer> timers = new HashMap<>();
  private final Map<String, Ipv4Address> warm = new HashMap<>();
  private final Scheduler scheduler;
  private final Links links;
  private final SharedWakeups wakeups;
  private String active;
  private long failovers;
  private long movesBack;

  AccessInterfaces(
      List<String> devices,
      Function<String, AccessLink.Probe> probe,
      Scheduler scheduler,
      Links links,
      MoveDetector.Wakeups wakeups) {
    this.devices = List.copyOf(devices);
    this.scheduler = scheduler;
    this.links = links;
    this.wakeups = new SharedWakeups(wakeups);
    for (String d : this.devices) {
      probes.put(d, probe.apply(d));
    }
  }

  /** On the kernel's notifications (rtnetlink), {@link SysfsLinkProbe}s reading each device. */
  static AccessInterfaces onKernel(List<String> devices, Scheduler scheduler, Links links) {
    return new AccessInterfaces(
        devices, SysfsLinkProbe::new, scheduler, links, RtnetlinkListener::open);
  }

  /**
   * Attaches on the most preferred interface that is up with an address (the first one if none is:
   * the node waits there for one), warms the others that are, and starts looking.
   */
  void start() {
    active = devices.stream().filter(d -> usable(d) != null).findFirst().orElse(devices.get(0));
    for (String d : devices) {
      MoveDetector detector = new MoveDetector(probes.get(d), scheduler, movesOf(d), wakeups);
      detectors.put(d, detector);
      detector.start();
    }
    links.attach(active, "start");
    for (String d : devices) {
      if (!d.equals(active)) {
        warm(d);
      }
    }
  }

  /** Stops looking and the keepalives; on the scheduler's thread. */
  void stop() {
    detectors.values().forEach(MoveDetector::stop);
    timers.values().forEach(Scheduler.Timer::cancel);
    timers.clear();
  }

  /** The interface the node is on (or waits on, when none has an address). */
  String active() {
    return active;
  }

  /** The standbys in order of preference, each with its address or why it has none. */
  List<String> standbys() {
    List<String> lines = new ArrayList<>();
    for (String d : devices) {
      if (!d.equals(active)) {
        AccessLink link = probes.get(d).read();
        Ipv4Address a = address(link);
        lines.add(d + " " + (a != null ? a + (warm.containsKey(d) ? " warm" : "") : state(link)));
      }
    }
    return lines;
  }

  /**
   * When the kernel's last notification came ({@link System#nanoTime}; 0 if none yet): how long it
   * took the scheduler's thread to act on it shows in the move's log.
   */
  long notifiedAt() {
    return wakeups.notifiedAt;
  }

  /** When the latest look at any interface began ({@link System#nanoTime}; 0 if none yet). */
  long lookedAt() {
    return detectors.values().stream().mapToLong(MoveDetector::lookedAt).max().orElse(0);
  }

  /** Moves to a standby because the active interface lost its link or address. */
  long failovers() {
    return failovers;
  }

  /** Moves back to a more preferred interface that came back. */
  long movesBack() {
    return movesBack;
  }

  /** Times a link was seen going down, over all interfaces. */
  long linkDowns() {
    return detectors.values().stream().mapToLong(MoveDetector::linkDowns).sum();
  }

  /** Moves detected, over all interfaces. */
  long moves() {
    return detectors.values().stream().mapToLong(MoveDetector::moves).sum();
  }

  private MoveDetector.Moves movesOf(String device) {
    return new MoveDetector.Moves() {
      @Override
      public void linkDown() {
        lost(device, "link down");
      }

      @Override
      public void addressGone(Ipv4Address address) {
        lost(device, "address " + address + " gone");
      }

      @Override
      public void moved(String why) {
        gained(device, why);
      }
    };
  }

  /** A link came up, flapped or gained an address. */
  private void gained(String device, String why) {
    if (device.equals(active)) {
      links.attach(device, why);
      return;
    }
    Ipv4Address address = address(detectors.get(device).last()); // its detector has just looked
    if (address == null) {
      return; // up, but no address yet: its address is the next news
    }
    if (usable(active) == null) {
      switchTo(device, address, why + " while " + active + " has none");
    } else if (devices.indexOf(device) < devices.indexOf(active)) {
      movesBack++;
      switchTo(device, address, why + ", preferred to " + active);
    } else {
      warm(device);
    }
  }

  /** A link went down or lost an address. */
  private void lost(String device, String why) {
    Ipv4Address left = address(detectors.get(device).last()); // its detector has just looked
    if (!device.equals(active)) {
      if (left == null) {
        cool(device);
      }
      return;
    }
    if (left != null) {
      return; // another address is still there
    }
    for (String d : devices) {
      // As the standby's detector last saw it: every notification wakes every detector, so that
      // is the state up to this notification's; a change in the same burst is the standby's own
      // look, queued right behind this one, to correct. Reading again here would cost the move a
      // whole look.
      Ipv4Address address = d.equals(device) ? null : address(detectors.get(d).last());
      if (address != null) {
        failovers++;
        switchTo(d, address, device + " " + why);
        return;
      }
    }
  }

  private void switchTo(String device, Ipv4Address address, String why) {
    String previous = active;
    active = device;
    Scheduler.Timer timer = timers.remove(device);
    if (timer != null) {
      timer.cancel();
    }
    warm.remove(device); // no cold: what it kept warm is what the move now takes
    links.attach(device, address, why);
    warm(previous); // if it still has its address: the standby it is now
  }

  /** Sends {@code device}'s keepalive now and again in {@link #KEEPALIVE_MILLIS}, if usable. */
  private void warm(String device) {
    Ipv4Address address = usable(device);
    if (address == null || device.equals(active)) {
      cool(device);
      return;
    }
    Scheduler.Timer before = timers.remove(device);
    if (before != null) {
      before.cancel();
    }
    warm.put(device, address);
    links.warm(device, address);
    timers.put(
        device,
        scheduler.schedule(
            KEEPALIVE_MILLIS,
            TimeUnit.MILLISECONDS,
            () -> {
              timers.remove(device);
              warm(device);
            }));
  }

  private void cool(String device) {
    Scheduler.Timer timer = timers.remove(device);
    if (timer != null) {
      timer.cancel();
    }
    warm.remove(device);
    // Also when it was never warm: the interface the node just left may be held as a standby.
    links.cold(device);
  }

  /** The address a device would give the node now, null if it is down or has none. */
  private Ipv4Address usable(String device) {
    return address(probes.get(device).read());
  }

  /** The link's lowest address outside 169.254/16 if it is up, else null. */
  static Ipv4Address address(AccessLink link) {
    if (!link.up()) {
      return null;
    }
    return link.addresses().stream()
        .filter(a -> !LINK_LOCAL.contains(a))
        .min((a, b) -> Integer.compareUnsigned(a.toInt(), b.toInt()))
        .orElse(null);
  }

  private static String state(AccessLink link) {
    return link == AccessLink.GONE ? "absent" : link.up() ? "no address" : "down";
  }

  /** One subscription to the kernel's notifications, every detector woken by each. */
  private static final class SharedWakeups implements MoveDetector.Wakeups {
    private final MoveDetector.Wakeups source;
    private volatile long notifiedAt; // System.nanoTime() of the last notification
    private final List<Runnable> wakes = new CopyOnWriteArrayList<>();
    private AutoCloseable listening;

    SharedWakeups(MoveDetector.Wakeups source) {
      this.source = source;
    }

    @Override
    public AutoCloseable listen(Runnable wake) throws IOException {
      if (listening == null) {
        listening =
            source.listen(
                () -> {
                  notifiedAt = System.nanoTime();
                  for (Runnable w : wakes) {
                    w.run();
                  }
                });
        if (listening == null) {
          return null; // no notifications to give: every detector polls
        }
      }
      wakes.add(wake);
      return () -> {
        wakes.remove(wake);
        if (wakes.isEmpty() && listening != null) {
          listening.close();
          listening = null;
        }
      };
    }
  }
}
