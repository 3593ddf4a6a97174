package io.mvpn.mn.compare;

import java.time.Duration;

/**
 * A VPN client and its gateway on {@link DelayedPath}, as {@link HandoverBench} measures them
 * across one move of the laptop from link A to link B: one row of the comparison. A new client for
 * each run; {@link HandoverBench#once} starts it, moves it and closes it.
 *
 * <p>The gateway may run in the path's gateway namespace (a charon there) or in the test JVM (its
 * TUN/TAP devices moved into that namespace in place of {@link DelayedPath#gatewayInternet} and
 * {@link DelayedPath#gatewayHome}'s addresses); either way the site host routes everything to
 * {@link DelayedPath#GATEWAY_HOME} and the laptop reaches {@link DelayedPath#GATEWAY}.
 */
public interface HandoverClient extends AutoCloseable {

  /** The row's name in the table. */
  String row();

  /**
   * Whether the move keeps the tunnel's keys ({@link #sas()} the same after it): true for a
   * handover that updates the SAs' addresses, false for one that keys a new tunnel.
   */
  boolean keepsSas();

  /** The laptop's address inside the tunnel: the stream's end on the laptop. */
  String innerAddress();

  /**
   * Brings the gateway and the client up, the tunnel over link A; returns once the laptop's traffic
   * to {@link DelayedPath#SITE_HOST} goes through it, or throws.
   */
  void start(DelayedPath path) throws Exception;

  /** What names the tunnel's current keys (its IKE SA's SPIs, say). */
  String sas() throws Exception;

  /** Link A goes away as the laptop sees it; the client notices by itself. */
  default void move(DelayedPath path) throws Exception {
    path.dropLinkA();
  }

  /** Waits at most {@code bound} until the client's tunnel runs over link B; whether it did. */
  boolean awaitOnLinkB(DelayedPath path, Duration bound) throws Exception;

  /** What helps to read a failed run: the client's and the gateway's logs. */
  String diagnostics();

  /** Stops the client and its gateway. */
  @Override
  void close() throws Exception;
}
