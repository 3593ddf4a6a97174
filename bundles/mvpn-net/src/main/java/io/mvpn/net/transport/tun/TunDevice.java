package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.LinuxTun.EAGAIN;
import static io.mvpn.net.transport.tun.LinuxTun.EINTR;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.mvpn.net.transport.tun.TunException.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open queue of a Linux TUN device in TUN mode without packet information (IFF_TUN|IFF_NO_PI):
 * each read yields one IP packet, each write injects one. Either attaches to a device provisioned
 * beforehand ({@code ip tuntap add ... user U}, so the JVM needs no privilege) or creates it (needs
 * CAP_NET_ADMIN); a created device is not persistent, so the kernel deletes it when this closes.
 *
 * <p>The fd is non-blocking and read after {@code poll} says it is readable, because closing an fd
 * does not wake a thread blocked in read on it: an eventfd in the same poll lets {@link #wake} stop
 * the reader at once.
 */
final class TunDevice {

  private static final Logger LOG = LoggerFactory.getLogger(TunDevice.class);

  /** What Linux accepts as an interface name, kept to the characters safe in configuration. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,15}");

  private static final long WAKE = 1;
  private static final short NO_EVENTS = 0;

  private final String name;
  private final int fd;
  private final int wakeFd;
  private final boolean created;
  private final boolean persistent;
  private final int linkMtu;

  /** TUN_F_* bits the kernel accepted; -1 without IFF_VNET_HDR (no header on reads and writes). */
  private final int offloads;

  /** Two struct iovec for writev: a zero virtio_net_hdr, then the packet. VRF's thread only. */
  private final Memory headerAndPacket;

  private final Memory plainHeader;

  /** Three struct iovec for readv: header, packet, overflow. Reader thread only; null without. */
  private final Memory readParts;

  /** Two struct pollfd: the TUN fd, then the eventfd; only the reader thread touches it. */
  private final Memory pollFds = new Memory(2L * LinuxTun.POLLFD_SIZE);

  /** Eight bytes that wake the reader; written under this object's lock. */
  private final Memory wakeValue = new Memory(8);

  /** A staging area for datagrams in heap memory, which the kernel cannot be pointed at. */
  private ByteBuffer heapStaging;

  private boolean closed;

  private TunDevice(
      String name,
      int fd,
      int wakeFd,
      boolean created,
      boolean persistent,
      int linkMtu,
      int offloads) {
    this.name = name;
    this.offloads = offloads;
    if (offloads >= 0) {
      plainHeader = new Memory(VirtioNetHeader.SIZE);
      plainHeader.clear();
      headerAndPacket = new Memory(2L * LinuxTun.IOVEC_SIZE);
      headerAndPacket.setLong(0, Pointer.nativeValue(plainHeader));
      headerAndPacket.setLong(8, VirtioNetHeader.SIZE);
      readParts = new Memory(3L * LinuxTun.IOVEC_SIZE);
    } else {
      plainHeader = null;
      headerAndPacket = null;
      readParts = null;
    }
    this.fd = fd;
    this.wakeFd = wakeFd;
    this.created = created;
    this.persistent = persistent;
    this.linkMtu = linkMtu;
    pollFds.setInt(0, fd);
    pollFds.setShort(4, LinuxTun.POLLIN);
    pollFds.setInt(LinuxTun.POLLFD_SIZE, wakeFd);
    pollFds.setShort(LinuxTun.POLLFD_SIZE + 4, LinuxTun.POLLIN);
    wakeValue.setLong(0, WAKE);
  }

  /**
   * Opens a queue of {@code name}, creating it with {@code mtu} if it does not exist. An existing
   * device keeps its MTU (setting it needs CAP_NET_ADMIN); a different one is logged, as packets
   * the kernel sends would then exceed or waste what the fabric expects. A multi-queue device
   * (IFF_MULTI_QUEUE) takes one such open per queue; the kernel spreads what it sends over the
   * queues by flow, so each flow stays in order on one queue.
   *
   * <p>With {@code offload} every read and write carries a {@link VirtioNetHeader} (IFF_VNET_HDR),
   * and the kernel is asked to hand over TCP and UDP super-packets with checksums left partial
   * (TUNSETOFFLOAD CSUM|TSO4|TSO6, and USO4|USO6 where the kernel has them, 6.2 on).
   */
  static TunDevice open(String name, int mtu, boolean multiQueue, boolean offload)
      throws TunException {
    return open(name, mtu, multiQueue, offload, LinuxTun.IFF_TUN);
  }

  /** As {@link #open(String, int, boolean, boolean)}; {@code mode} IFF_TAP opens a TAP device. */
  static TunDevice open(String name, int mtu, boolean multiQueue, boolean offload, short mode)
      throws TunException {
    if (!validName(name)) {
      throw new TunException(
          Reason.BAD_NAME,
          0,
          "'" + name + "' is not a Linux interface name (1..15 of A-Za-z0-9._-)",
          null);
    }
    Throwable unavailable = LinuxTun.unavailable();
    if (unavailable != null) {
      throw new TunException(
          Reason.NATIVE_UNAVAILABLE,
          0,
          "tun:" + name + ": native calls unavailable: " + unavailable,
          unavailable);
    }
    boolean existed = Files.exists(Path.of("/sys/class/net", name));
    int fd = openCloneDevice(name);
    int wakeFd = -1;
    try {
      byte[] ifr = ifreq(name);
      short flags = (short) (mode | LinuxTun.IFF_NO_PI | (offload ? LinuxTun.IFF_VNET_HDR : 0));
      setShort(ifr, multiQueue ? (short) (flags | LinuxTun.IFF_MULTI_QUEUE) : flags);
      try {
        LinuxTun.ioctl(fd, new NativeLong(LinuxTun.TUNSETIFF), ifr);
      } catch (LastErrorException e) {
        throw setIffFailure(name, existed, multiQueue, e);
      }
      byte[] got = ifreq(name);
      LinuxTun.ioctl(fd, new NativeLong(LinuxTun.TUNGETIFF), got);
      boolean persistent = (getShort(got) & LinuxTun.IFF_PERSIST) != 0;
      int offloads = offload ? enableOffload(name, fd) : -1;
      int linkMtu = existed ? linkMtu(name) : configureCreated(name, mtu);
      if (linkMtu != mtu) {
        LOG.warn(
            "tun:{} has MTU {} but the interface is configured with {}: run ip link set {} mtu {}",
            name,
            linkMtu,
            mtu,
            name,
            mtu);
      }
      wakeFd = LinuxTun.eventfd(0, LinuxTun.EFD_CLOEXEC | LinuxTun.EFD_NONBLOCK);
      return new TunDevice(name, fd, wakeFd, !existed, persistent, linkMtu, offloads);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      closeQuietly(wakeFd);
      throw systemCall(name, "setting up", e);
    } catch (TunException | RuntimeException e) {
      closeQuietly(fd);
      closeQuietly(wakeFd);
      throw e;
    }
  }

  /**
   * Sets the virtio_net_hdr size and asks for segmentation offload; returns the TUN_F_* bits the
   * kernel took (0 if it took none: then reads carry headers that ask for nothing).
   */
  private static int enableOffload(String name, int fd) {
    byte[] size = {VirtioNetHeader.SIZE, 0, 0, 0};
    LinuxTun.ioctl(fd, new NativeLong(LinuxTun.TUNSETVNETHDRSZ), size);
    int tcp = LinuxTun.TUN_F_CSUM | LinuxTun.TUN_F_TSO4 | LinuxTun.TUN_F_TSO6;
    int[] wanted = {tcp | LinuxTun.TUN_F_USO4 | LinuxTun.TUN_F_USO6, tcp, LinuxTun.TUN_F_CSUM};
    for (int mask : wanted) {
      try {
        LinuxTun.ioctl(fd, new NativeLong(LinuxTun.TUNSETOFFLOAD), mask);
        return mask;
      } catch (LastErrorException e) {
        LOG.debug("tun:{}: TUNSETOFFLOAD {} refused (errno {})", name, mask, e.getErrorCode());
      }
    }
    LOG.warn(
        "tun:{}: the kernel refused segmentation offload: packets go one per system call", name);
    return 0;
  }

  static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  private static int openCloneDevice(String name) throws TunException {
    try {
      return LinuxTun.open(
          LinuxTun.CLONE_DEVICE, LinuxTun.O_RDWR | LinuxTun.O_NONBLOCK | LinuxTun.O_CLOEXEC);
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == LinuxTun.ENOENT || errno == LinuxTun.ENODEV || errno == LinuxTun.ENXIO) {
        throw new TunException(
            Reason.NO_TUN_DRIVER,
            errno,
            "tun:"
                + name
                + ": no "
                + LinuxTun.CLONE_DEVICE
                + " (errno "
                + errno
                + "): load the tun module, or pass the device into the container",
            e);
      }
      if (errno == LinuxTun.EACCES || errno == LinuxTun.EPERM) {
        throw new TunException(
            Reason.NOT_PERMITTED,
            errno,
            "tun:"
                + name
                + ": may not open "
                + LinuxTun.CLONE_DEVICE
                + " (errno "
                + errno
                + "): it must be readable and writable by this user (mode 0666)",
            e);
      }
      throw systemCall(name, "opening " + LinuxTun.CLONE_DEVICE, e);
    }
  }

  private static TunException setIffFailure(
      String name, boolean existed, boolean multiQueue, LastErrorException e) {
    int errno = e.getErrorCode();
    String user = System.getProperty("user.name");
    if (errno == LinuxTun.EPERM) {
      String why =
          existed
              ? "the persistent device belongs to another user or group"
              : "creating a device needs CAP_NET_ADMIN";
      return new TunException(
          Reason.NOT_PERMITTED,
          errno,
          "tun:"
              + name
              + ": not permitted (EPERM): "
              + why
              + "; as root run: ip tuntap add dev "
              + name
              + " mode tun"
              + (multiQueue ? " multi_queue" : "")
              + " user "
              + user,
          e);
    }
    if (errno == LinuxTun.EBUSY) {
      return new TunException(
          Reason.BUSY, errno, "tun:" + name + ": busy (EBUSY): another process holds it", e);
    }
    if (errno == LinuxTun.EINVAL) {
      return new TunException(
          Reason.NOT_A_TUN_DEVICE,
          errno,
          "tun:"
              + name
              + ": refused (EINVAL): the name belongs to a device that is not a "
              + (multiQueue ? "multi-queue" : "single-queue")
              + " TUN device (a TAP, a TUN made "
              + (multiQueue ? "without" : "with")
              + " multi_queue, or another kind of link)",
          e);
    }
    return systemCall(name, "TUNSETIFF", e);
  }

  private static TunException systemCall(String name, String step, LastErrorException e) {
    return systemCall(name, step, e.getErrorCode(), e);
  }

  private static TunException systemCall(String name, String step, int errno, Throwable cause) {
    return new TunException(
        Reason.SYSTEM_CALL,
        errno,
        "tun:" + name + ": " + step + " failed (errno " + errno + ")",
        cause);
  }

  /** Sets the MTU of a device this process made and brings it up (it has CAP_NET_ADMIN). */
  private static int configureCreated(String name, int mtu) {
    int socket = LinuxTun.socket(LinuxTun.AF_INET, LinuxTun.SOCK_DGRAM, 0);
    try {
      byte[] ifr = ifreq(name);
      setInt(ifr, mtu);
      LinuxTun.ioctl(socket, new NativeLong(LinuxTun.SIOCSIFMTU), ifr);
      byte[] flags = ifreq(name);
      LinuxTun.ioctl(socket, new NativeLong(LinuxTun.SIOCGIFFLAGS), flags);
      setShort(flags, (short) (getShort(flags) | LinuxTun.IFF_UP));
      LinuxTun.ioctl(socket, new NativeLong(LinuxTun.SIOCSIFFLAGS), flags);
      return mtu;
    } finally {
      closeQuietly(socket);
    }
  }

  private static int linkMtu(String name) {
    int socket = LinuxTun.socket(LinuxTun.AF_INET, LinuxTun.SOCK_DGRAM, 0);
    try {
      byte[] ifr = ifreq(name);
      LinuxTun.ioctl(socket, new NativeLong(LinuxTun.SIOCGIFMTU), ifr);
      return getInt(ifr);
    } finally {
      closeQuietly(socket);
    }
  }

  String name() {
    return name;
  }

  /** Whether this process made the device (so it goes when this closes, unless persistent). */
  boolean created() {
    return created;
  }

  boolean persistent() {
    return persistent;
  }

  /** Whether reads and writes carry a virtio_net_hdr (opened with IFF_VNET_HDR). */
  boolean vnetHeader() {
    return offloads >= 0;
  }

  /** The TUN_F_* offloads the kernel accepted; 0 without. */
  int offloads() {
    return Math.max(0, offloads);
  }

  /** The device's MTU as the kernel had it when opened (or set it to). */
  int linkMtu() {
    return linkMtu;
  }

  /**
   * Blocks until a packet waits or {@link #wake} is called; false once woken. Reader thread only.
   */
  boolean awaitPacket() throws TunException {
    pollFds.setShort(6, NO_EVENTS);
    pollFds.setShort(LinuxTun.POLLFD_SIZE + 6, NO_EVENTS);
    while (true) {
      try {
        LinuxTun.poll(Pointer.nativeValue(pollFds), 2, -1);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EINTR) {
          continue;
        }
        throw systemCall(name, "poll", e);
      }
      if (pollFds.getShort(LinuxTun.POLLFD_SIZE + 6) != NO_EVENTS) {
        return false;
      }
      if (pollFds.getShort(6) != NO_EVENTS) {
        return true;
      }
    }
  }

  /**
   * Reads one packet into {@code into}'s writable bytes, advancing its writer index. Returns the
   * length read, -1 when no packet waits. Of a packet longer than the room left Linux copies what
   * fits and returns the copied length (6.x) or, defensively, the whole length: then the writer
   * index stays where it was.
   */
  int read(ByteBuf into) throws TunException {
    int at = into.writerIndex();
    int room = into.writableBytes();
    long n;
    if (into.hasMemoryAddress()) {
      n = LinuxTun.Quiet.read(fd, into.memoryAddress() + at, room);
      if (n < 0) {
        int errno = Native.getLastError();
        if (errno == EAGAIN || errno == EINTR) {
          return -1;
        }
        throw systemCall(name, "read", errno, null);
      }
    } else {
      try {
        n = LinuxTun.read(fd, into.nioBuffer(at, room), room);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
          return -1;
        }
        throw systemCall(name, "read", e);
      }
    }
    if (n <= room) {
      into.writerIndex(at + (int) n);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /**
   * Reads one frame of a device with virtio_net_hdr in three parts, so that a packet of up to the
   * link's MTU lands in a buffer of its own and only a super-packet needs the large area: the
   * header into {@code header} from index 0 ({@link VirtioNetHeader#SIZE} bytes), the packet's
   * first bytes into {@code packet} from index 0 (its capacity), and the rest into {@code frame}
   * from index {@code SIZE + packet.capacity()}; so {@code frame} with header and packet copied to
   * its start holds the whole frame. Indexes stay as they were. Returns the length read, -1 when no
   * frame waits; a length above {@code frame}'s capacity is a frame the kernel could not copy in
   * full. Reader thread only.
   */
  int read(ByteBuf header, ByteBuf packet, ByteBuf frame) throws TunException {
    int room = packet.capacity();
    int rest = VirtioNetHeader.SIZE + room;
    if (readParts == null
        || !header.hasMemoryAddress()
        || !packet.hasMemoryAddress()
        || !frame.hasMemoryAddress()
        || frame.capacity() < rest) {
      // One read into the frame, then its start copied out: the same outcome, one copy more.
      frame.clear();
      int n = read(frame);
      if (n > 0) {
        header.setBytes(0, frame, 0, Math.min(n, VirtioNetHeader.SIZE));
        int inPacket = Math.max(0, Math.min(n, rest) - VirtioNetHeader.SIZE);
        packet.setBytes(0, frame, VirtioNetHeader.SIZE, inPacket);
      }
      frame.clear();
      return n;
    }
    readParts.setLong(0, header.memoryAddress());
    readParts.setLong(8, VirtioNetHeader.SIZE);
    readParts.setLong(16, packet.memoryAddress());
    readParts.setLong(24, room);
    readParts.setLong(32, frame.memoryAddress() + rest);
    readParts.setLong(40, frame.capacity() - rest);
    long n = LinuxTun.Quiet.readv(fd, Pointer.nativeValue(readParts), 3);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == EAGAIN || errno == EINTR) {
        return -1;
      }
      throw systemCall(name, "read", errno, null);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /**
   * Writes one packet (the readable bytes), behind a virtio_net_hdr that asks for nothing if the
   * device has them; the caller keeps the buffer. Not thread-safe.
   */
  void write(ByteBuf packet) throws TunException {
    if (headerAndPacket == null) {
      writeFrame(packet);
      return;
    }
    int length = packet.readableBytes();
    try {
      if (packet.hasMemoryAddress()) {
        headerAndPacket.setLong(16, packet.memoryAddress() + packet.readerIndex());
        headerAndPacket.setLong(24, length);
        LinuxTun.writev(fd, Pointer.nativeValue(headerAndPacket), 2);
      } else {
        ByteBuffer staging = staging(VirtioNetHeader.SIZE + length);
        staging.put(new byte[VirtioNetHeader.SIZE]);
        packet.getBytes(packet.readerIndex(), staging);
        staging.flip();
        LinuxTun.write(fd, staging, staging.remaining());
      }
    } catch (LastErrorException e) {
      throw systemCall(name, "write", e);
    }
  }

  /**
   * Writes the readable bytes as they are: with a virtio_net_hdr first if the device has them. Not
   * thread-safe.
   */
  void writeFrame(ByteBuf packet) throws TunException {
    int length = packet.readableBytes();
    try {
      if (packet.hasMemoryAddress()) {
        LinuxTun.write(fd, packet.memoryAddress() + packet.readerIndex(), length);
      } else if (packet.isDirect()) {
        LinuxTun.write(fd, packet.nioBuffer(), length);
      } else {
        ByteBuffer staging = staging(length);
        packet.getBytes(packet.readerIndex(), staging);
        staging.flip();
        LinuxTun.write(fd, staging, length);
      }
    } catch (LastErrorException e) {
      throw systemCall(name, "write", e);
    }
  }

  private ByteBuffer staging(int length) {
    if (heapStaging == null) {
      heapStaging = ByteBuffer.allocateDirect(VirtioNetHeader.SIZE + 0xFFFF);
    }
    heapStaging.clear().limit(length);
    return heapStaging;
  }

  /** Makes {@link #awaitPacket} return false, now or at its next call. Any thread. */
  synchronized void wake() {
    if (!closed) {
      LinuxTun.write(wakeFd, Pointer.nativeValue(wakeValue), 8);
    }
  }

  /** Closes the queue; the kernel deletes a device made here unless someone made it persistent. */
  synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(fd);
      closeQuietly(wakeFd);
    }
  }

  private static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        LinuxTun.close(fd);
      } catch (LastErrorException e) {
        // Nothing left to do with an fd that will not close.
      }
    }
  }

  private static byte[] ifreq(String name) {
    byte[] ifr = new byte[LinuxTun.IFREQ_SIZE];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, ifr, 0, Math.min(n.length, LinuxTun.IFNAMSIZ - 1));
    return ifr;
  }

  // The union of struct ifreq starts at IFNAMSIZ; x86-64 and aarch64 are little-endian.

  private static void setShort(byte[] ifr, short value) {
    ifr[LinuxTun.IFNAMSIZ] = (byte) value;
    ifr[LinuxTun.IFNAMSIZ + 1] = (byte) (value >> 8);
  }

  private static short getShort(byte[] ifr) {
    return (short) ((ifr[LinuxTun.IFNAMSIZ] & 0xFF) | (ifr[LinuxTun.IFNAMSIZ + 1] & 0xFF) << 8);
  }

  private static void setInt(byte[] ifr, int value) {
    for (int i = 0; i < 4; i++) {
      ifr[LinuxTun.IFNAMSIZ + i] = (byte) (value >> (8 * i));
    }
  }

  private static int getInt(byte[] ifr) {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (ifr[LinuxTun.IFNAMSIZ + i] & 0xFF) << (8 * i);
    }
    return value;
  }
}
