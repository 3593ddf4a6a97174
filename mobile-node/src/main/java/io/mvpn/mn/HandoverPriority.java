package io.mvpn.mn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The scheduling priority of the threads a move waits for: the node's event loop (the move, the
 * registration, every datagram) and the thread that hears the kernel's link notifications. On a
 * busy host the time from a lost address to the registration on the new link is spent mostly
 * waiting for a core, not working: with the loop at the default nice value its handovers waited 2
 * to 10 ms for one, measured beside the path's relays and captures on two cores. A raised priority
 * (the {@code priority} setting, a nice value; -10 by default) lets them run first, as OpenVPN's
 * {@code nice} and audio servers do for their time-critical threads. Only these threads are raised,
 * not the JIT compiler or the collector. Raising needs root or CAP_SYS_NICE; without it the node
 * runs at the priority it was started with and says so once.
 */
final class HandoverPriority {

  private static final int PRIO_PROCESS = 0;

  private static volatile int nice;

  static {
    Native.register(HandoverPriority.class, Platform.C_LIBRARY_NAME);
  }

  private HandoverPriority() {}

  private static native int gettid();

  private static native int setpriority(int which, int who, int prio) throws LastErrorException;

  /** The nice value the handover's threads are to run at, for the process (from the config). */
  static void set(int value) {
    nice = value;
  }

  /** The nice value set for the process. */
  static int nice() {
    return nice;
  }

  /**
   * Gives the calling thread the handover's priority; null when done, else why not (the thread
   * keeps its priority).
   */
  static String applyHere() {
    try {
      setpriority(PRIO_PROCESS, gettid(), nice);
      return null;
    } catch (LastErrorException e) {
      return "setpriority: errno " + e.getErrorCode() + (e.getErrorCode() == 13 ? " (EACCES)" : "");
    } catch (LinkageError e) {
      return "setpriority: " + e.getMessage();
    }
  }
}
