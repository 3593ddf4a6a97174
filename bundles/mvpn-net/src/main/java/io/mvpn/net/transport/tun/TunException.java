package io.mvpn.net.transport.tun;

import java.io.IOException;

/**
 * A TUN device could not be opened or set up. The {@link Reason} says what an operator must fix;
 * the message names the device, the step and the errno.
 */
public final class TunException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms an operator acts on. */
  public enum Reason {
    /** No {@code /dev/net/tun}: the tun module is not loaded, or a container does not pass it. */
    NO_TUN_DRIVER,
    /**
     * The process may not open {@code /dev/net/tun}, or may not create the device (no
     * CAP_NET_ADMIN), or the persistent device belongs to another user.
     */
    NOT_PERMITTED,
    /** Another process (or transport) holds the device already. */
    BUSY,
    /** The name is taken by something that is not a single-queue TUN device. */
    NOT_A_TUN_DEVICE,
    /** The name is not a valid Linux interface name (1..15 characters, no '/' or blanks). */
    BAD_NAME,
    /** JNA or its native part is missing, or the platform is not 64-bit Linux. */
    NATIVE_UNAVAILABLE,
    /** Any other failure of a system call; the message has the errno. */
    SYSTEM_CALL
  }

  private final Reason reason;
  private final int errno;

  TunException(Reason reason, int errno, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.errno = errno;
  }

  public Reason reason() {
    return reason;
  }

  /** The errno of the failed call; 0 when no system call failed. */
  public int errno() {
    return errno;
  }
}
