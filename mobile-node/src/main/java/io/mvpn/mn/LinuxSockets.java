package io.mvpn.mn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc socket calls the host's raw sockets ({@link RawIcmpSocket}, {@link RtnetlinkListener})
 * make, bound by JNA direct mapping; errors come back as {@link LastErrorException}s with errno.
 */
final class LinuxSockets {

  static final int SOCK_RAW = 3;
  static final int SOL_SOCKET = 1;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  private static final int SO_RCVTIMEO = 20;

  static {
    Native.register(LinuxSockets.class, Platform.C_LIBRARY_NAME);
  }

  private LinuxSockets() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, byte[] value, int length)
      throws LastErrorException;

  static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native long sendto(
      int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  /** Makes a receive on {@code fd} give up (EAGAIN) after {@code millis}. */
  static void receiveTimeout(int fd, int millis) {
    byte[] timeout = new byte[16]; // struct timeval: seconds, then microseconds (64-bit each)
    long seconds = millis / 1000;
    long micros = (millis % 1000) * 1000L; // below a second, or the kernel says EDOM
    for (int i = 0; i < 8; i++) {
      timeout[i] = (byte) (seconds >>> (8 * i));
      timeout[8 + i] = (byte) (micros >>> (8 * i));
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
  }

  /** Whether a failed receive only timed out or was interrupted: nothing came, try again. */
  static boolean nothingYet(LastErrorException e) {
    return e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR;
  }

  /** Closes {@code fd}; there is nothing left to do with it if that fails. */
  static void closeQuietly(int fd) {
    try {
      close(fd);
    } catch (LastErrorException e) {
      // nothing left to do with it
    }
  }
}
