package io.mvpn.net.transport.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few libc calls a TUN device needs, bound by JNA direct mapping (no proxy, no per-call
 * reflection: the data path calls read and write once per packet). Buffers travel as raw addresses
 * ({@code long}), which is why this class refuses anything but 64-bit little-endian Linux.
 *
 * <p>Constants are those of x86-64 and aarch64 Linux (asm-generic ioctl encoding).
 */
final class LinuxTun {

  static final String CLONE_DEVICE = "/dev/net/tun";

  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;
  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;

  static final long TUNSETIFF = 0x400454caL;
  static final long TUNGETIFF = 0x800454d2L;
  static final long TUNSETOFFLOAD = 0x400454d0L;
  static final long TUNSETVNETHDRSZ = 0x400454d8L;
  static final long SIOCGIFFLAGS = 0x8913L;
  static final long SIOCSIFFLAGS = 0x8914L;
  static final long SIOCGIFMTU = 0x8921L;
  static final long SIOCSIFMTU = 0x8922L;

  static final short IFF_TUN = 0x0001;
  static final short IFF_TAP = 0x0002;
  static final short IFF_MULTI_QUEUE = 0x0100;
  static final short IFF_PERSIST = 0x0800;
  static final short IFF_NO_PI = 0x1000;
  static final short IFF_VNET_HDR = 0x4000;
  static final short IFF_UP = 0x0001;

  /** TUNSETOFFLOAD: what the kernel may hand over unfinished (if_tun.h; USO since Linux 6.2). */
  static final int TUN_F_CSUM = 0x01;

  static final int TUN_F_TSO4 = 0x02;
  static final int TUN_F_TSO6 = 0x04;
  static final int TUN_F_USO4 = 0x20;
  static final int TUN_F_USO6 = 0x40;

  /** struct iovec: void* base, size_t length. */
  static final int IOVEC_SIZE = 16;

  static final int AF_INET = 2;
  static final int SOCK_DGRAM = 2;

  static final short POLLIN = 0x1;

  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EACCES = 13;
  static final int EBUSY = 16;
  static final int ENODEV = 19;
  static final int EINVAL = 22;
  static final int ENXIO = 6;

  /** struct ifreq: 16 bytes of name, then a union whose short flags / int MTU sit at 16. */
  static final int IFREQ_SIZE = 40;

  static final int IFNAMSIZ = 16;

  /** struct pollfd: int fd, short events, short revents. */
  static final int POLLFD_SIZE = 8;

  private static final Throwable UNAVAILABLE;

  static {
    Throwable failure = null;
    try {
      if (!Platform.isLinux()
          || Native.POINTER_SIZE != 8
          || Native.LONG_SIZE != 8
          || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
        failure = new UnsupportedOperationException("TUN devices need 64-bit little-endian Linux");
      } else {
        Native.register(LinuxTun.class, Platform.C_LIBRARY_NAME);
      }
    } catch (LinkageError | RuntimeException e) {
      failure = e;
    }
    UNAVAILABLE = failure;
  }

  private LinuxTun() {}

  /**
   * Why native calls cannot be made here (no JNA native part, not 64-bit Linux); null if they can.
   */
  static Throwable unavailable() {
    return UNAVAILABLE;
  }

  static native int open(String path, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int ioctl(int fd, NativeLong request, byte[] ifreq) throws LastErrorException;

  /** An ioctl whose argument is the value itself (TUNSETOFFLOAD). */
  static native int ioctl(int fd, NativeLong request, long value) throws LastErrorException;

  /** ssize_t read(int, void*, size_t) with the buffer as a raw address. */
  static native long read(int fd, long buffer, long count) throws LastErrorException;

  static native long read(int fd, ByteBuffer buffer, long count) throws LastErrorException;

  /** ssize_t write(int, const void*, size_t) with the buffer as a raw address. */
  static native long write(int fd, long buffer, long count) throws LastErrorException;

  static native long write(int fd, ByteBuffer buffer, long count) throws LastErrorException;

  /** ssize_t writev(int, const struct iovec*, int) with the array as a raw address. */
  static native long writev(int fd, long iov, int count) throws LastErrorException;

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int eventfd(int initial, int flags) throws LastErrorException;

  /** int poll(struct pollfd*, nfds_t, int) with the array as a raw address. */
  static native int poll(long fds, long count, int timeoutMillis) throws LastErrorException;

  /**
   * The data path's read, which reports failure by its result alone: each drain of the device ends
   * in EAGAIN, and a {@link LastErrorException} (its message formatted, its stack filled in) for
   * every one of them cost more than the packets read before it. The errno is then {@link
   * Native#getLastError()}, which JNA keeps per thread.
   */
  static final class Quiet {

    static {
      if (UNAVAILABLE == null) {
        Native.register(Quiet.class, Platform.C_LIBRARY_NAME);
      }
    }

    private Quiet() {}

    /** ssize_t read(int, void*, size_t) with the buffer as a raw address; -1 and errno on error. */
    static native long read(int fd, long buffer, long count);

    /** ssize_t readv(int, const struct iovec*, int) with the iovecs' address; as {@link #read}. */
    static native long readv(int fd, long iov, int count);
  }
}
