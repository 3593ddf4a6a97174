package io.mvpn.net.fabric;

import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The appliance's fabric: the public VRF, one VRF per tenant (named by its id), and the interfaces
 * configured on them. VRF state belongs to its scheduler's thread, so callers elsewhere (the shell,
 * other components) read and change it through {@link #onLoop}.
 */
public interface FabricService {

  /** The VRF facing the carrier's network, where the public tunnel endpoints live. */
  String PUBLIC_VRF = "public";

  List<Vrf> vrfs();

  Optional<Vrf> vrf(String name);

  /**
   * The VRF of a tenant, made now if the tenant's own event has not made it yet (a component of the
   * tenant may start first); it goes when the tenant goes.
   */
  Vrf tenantVrf(io.mvpn.api.MvpnId tenant);

  /**
   * A VRF of a function's own (a foreign agent's access side, a demo host), made if absent; it
   * stays until the fabric stops.
   */
  Vrf createVrf(String name);

  /**
   * The in-memory segment of that name ({@code mem:NAME} interfaces attach to it), made if absent.
   */
  io.mvpn.net.link.MemorySegment segment(String name);

  /** An interface by its name, which is unique across VRFs. */
  Optional<Interface> findInterface(String name);

  /**
   * Configures an interface of a VRF; it comes up now if the VRF exists, else when it appears (a
   * tenant's VRF comes and goes with the tenant). {@code address} is {@code a.b.c.d/len}; {@code
   * transport} is {@code mem:NAME}, {@code udp:IP:PORT->IP:PORT} or {@code
   * host:IP:VRFPORT=HOSTPORT[,...]}; each route is {@code PREFIX} (reached directly on this link)
   * or {@code PREFIX via NEXTHOP}.
   *
   * <p>The same configuration of a name a second time changes nothing.
   *
   * @throws IllegalArgumentException if a name, address, transport or route is invalid, or the name
   *     is taken by another configuration
   */
  void configureInterface(
      String vrf, String name, String address, String transport, List<String> routes);

  /** Removes an interface's configuration, and the interface with its routes if it is up. */
  boolean removeInterface(String name);

  /** Wall-clock epoch nanoseconds minus scheduler nanoseconds: what captures add to timestamps. */
  long epochOffsetNanos();

  /** Runs {@code action} on the VRF's thread and waits for its result (at most 10 s). */
  default <T> T onLoop(Vrf vrf, Supplier<T> action) {
    return awaitOn(vrf.scheduler(), action);
  }

  /**
   * Runs {@code action} on the scheduler's thread, at once if the caller is on it, and waits for
   * its result (at most 10 s): how anything outside an engine's thread reads or changes its state.
   */
  static <T> T awaitOn(io.mvpn.api.time.Scheduler scheduler, Supplier<T> action) {
    if (scheduler.inEventLoop()) {
      return action.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            result.complete(action.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(scheduler + " did not answer within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
