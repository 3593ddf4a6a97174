package io.mvpn.net.transport.tun;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A point-to-point link to the host's kernel through a Linux TUN device: every IPv4 packet the
 * kernel routes to the device enters the VRF, every datagram the VRF routes out of the interface
 * enters the kernel as if it had arrived on that device. The next hop does not matter: the kernel
 * is the only neighbour.
 *
 * <p>One reader thread per device blocks until a packet waits, reads what waits (up to {@link
 * #BATCH} packets) into direct buffers from the VRF's allocator and hands them to the interface in
 * one task on the VRF's scheduler: one task, and one wake-up of the VRF's thread, per burst rather
 * than per packet. IPv6 packets (router solicitations, MLD reports the kernel sends on any link
 * that is up) and empty or oversized reads are counted and dropped; they never stop the reader.
 */
public final class TunTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(TunTransport.class);

  /** The MTU of an Ethernet-sized link, which a TUN device has unless told otherwise. */
  public static final int DEFAULT_MTU = 1500;

  private static final int MIN_IPV4_HEADER = 20;

  /** Packets read before they go to the VRF; a burst never waits for more to come. */
  static final int BATCH = 32;

  /** How long {@link #close} waits for the reader to notice; it wakes at once in practice. */
  private static final long READER_STOP_MILLIS = 2000;

  private final TunDevice device;
  private final int mtu;
  private final int readCapacity;
  private Interface owner;
  private Thread reader;
  private volatile boolean closed;
  private volatile TunException failure;
  private volatile long nonIpv4;
  private volatile long truncated;
  private volatile long received;

  private TunTransport(TunDevice device, int mtu) {
    this.device = device;
    this.mtu = mtu;
    // Room for what the kernel may send even if the device's MTU is above the configured one.
    this.readCapacity = Math.max(mtu, device.linkMtu());
  }

  /**
   * Attaches to the TUN device {@code name} (provisioned with {@code ip tuntap add dev NAME mode
   * tun user USER}), or creates it if this process has CAP_NET_ADMIN: then it gets {@code mtu}, is
   * brought up, and disappears when the transport closes.
   *
   * @throws TunException naming the cause: no TUN driver, not permitted, busy, not a TUN device
   */
  public static TunTransport open(String name, int mtu) throws TunException {
    if (mtu < 68 || mtu > 0xFFFF) {
      throw new IllegalArgumentException("MTU " + mtu + " outside 68..65535");
    }
    TunDevice device;
    try {
      device = TunDevice.open(name, mtu);
    } catch (LinkageError e) {
      throw new TunException(
          TunException.Reason.NATIVE_UNAVAILABLE, 0, "tun:" + name + ": JNA is missing: " + e, e);
    }
    LOG.info(
        "tun:{} {} (MTU {}{})",
        name,
        device.created() ? "created" : "attached",
        device.linkMtu(),
        device.persistent() ? ", persistent" : "");
    return new TunTransport(device, mtu);
  }

  /** Whether a name is one {@link #open} accepts: 1 to 15 of A-Z a-z 0-9 . _ - */
  public static boolean isValidName(String name) {
    return TunDevice.validName(name);
  }

  public String deviceName() {
    return device.name();
  }

  /** Whether this transport made the device, which then goes when it closes. */
  public boolean createdDevice() {
    return device.created();
  }

  /** Packets read from the device, whatever became of them. */
  public long received() {
    return received;
  }

  /** Packets of another IP version read and dropped (IPv6 neighbour discovery, MLD). */
  public long nonIpv4() {
    return nonIpv4;
  }

  /** Reads that were empty or longer than the buffer, dropped. */
  public long truncated() {
    return truncated;
  }

  /** Why the reader stopped on its own (the device was deleted under it, say); null if it runs. */
  public TunException failure() {
    return failure;
  }

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    // A Netty thread: the pooled allocator caches memory and recycles buffer objects only on
    // those, so a plain thread would take every packet's buffer from the shared arena, locked.
    reader = new FastThreadLocalThread(this::readLoop, "mvpn-tun-" + device.name());
    reader.setDaemon(true);
    reader.start();
  }

  /** Writes the datagram into the kernel; on the VRF's scheduler, like every send. */
  @Override
  public void send(ByteBuf datagram, int nextHop) {
    try {
      if (closed || failure != null) {
        owner.counters().onDrop(DropReason.DOWN);
        return;
      }
      device.write(datagram);
    } catch (TunException e) {
      // EIO while the device is down, EINVAL for what the kernel will not take as IP.
      owner.counters().onDrop(DropReason.LINK);
    } finally {
      datagram.release();
    }
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public String describe() {
    return "tun:" + device.name() + ",mtu=" + mtu;
  }

  /** Stops the reader and closes the device; on the VRF's scheduler, like every send. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.wake();
    if (reader != null) {
      try {
        reader.join(READER_STOP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (reader.isAlive()) {
        LOG.warn("tun:{}: reader did not stop within {} ms", device.name(), READER_STOP_MILLIS);
      }
    }
    device.close();
  }

  private void readLoop() {
    ByteBufAllocator alloc = owner.vrf().alloc();
    ByteBuf buffer = null;
    ByteBuf[] burst = new ByteBuf[BATCH];
    int count = 0;
    try {
      while (!closed && device.awaitPacket()) {
        boolean drained = false;
        while (!closed && !drained) {
          if (buffer == null) {
            buffer = alloc.directBuffer(readCapacity, readCapacity);
          }
          int n = device.read(buffer);
          if (n > readCapacity) {
            // A kernel that reports the whole length of a packet it could not copy in full.
            received++;
            dropTruncated();
            continue;
          }
          drained = n < 0;
          if (!drained) {
            received++;
            ByteBuf packet = buffer;
            buffer = null;
            if (accept(packet, n)) {
              burst[count++] = packet;
            }
          }
          if (count == BATCH || (drained && count > 0)) {
            handOver(burst, count);
            burst = new ByteBuf[BATCH];
            count = 0;
          }
        }
      }
    } catch (TunException | RuntimeException e) {
      if (!closed) {
        failure =
            e instanceof TunException t
                ? t
                : new TunException(
                    TunException.Reason.SYSTEM_CALL,
                    0,
                    "tun:" + device.name() + ": reader failed",
                    e);
        LOG.error("tun:{}: reader stopped: {}", device.name(), e.toString());
      }
    } finally {
      if (buffer != null) {
        buffer.release();
      }
      for (int i = 0; i < count; i++) {
        burst[i].release();
      }
    }
  }

  /** Whether a packet just read is IPv4 of its full length; if not it is counted and released. */
  private boolean accept(ByteBuf packet, int length) {
    if (length == 0) {
      packet.release();
      dropTruncated();
      return false;
    }
    if ((packet.getUnsignedByte(packet.readerIndex()) >> 4) != 4) {
      packet.release();
      nonIpv4++;
      onScheduler(() -> owner.counters().onDrop(DropReason.LINK));
      return false;
    }
    // Linux copies what fits of a packet above the buffer and returns the copied length: only the
    // IPv4 total length tells. Anything else wrong with the header is the VRF's to find and count.
    if (length < MIN_IPV4_HEADER || packet.getUnsignedShort(packet.readerIndex() + 2) > length) {
      packet.release();
      dropTruncated();
      return false;
    }
    return true;
  }

  /** The VRF takes a burst in one task, in the order read; the array is the task's from now on. */
  private void handOver(ByteBuf[] packets, int count) {
    if (!onScheduler(
        () -> {
          for (int i = 0; i < count; i++) {
            owner.receive(packets[i]);
          }
        })) {
      for (int i = 0; i < count; i++) {
        packets[i].release();
      }
    }
  }

  private void dropTruncated() {
    truncated++;
    onScheduler(() -> owner.counters().onMalformed(MalformedPacketException.Reason.TRUNCATED));
  }

  /** Runs a task on the VRF's scheduler; false if the scheduler no longer takes tasks. */
  private boolean onScheduler(Runnable task) {
    try {
      owner.scheduler().execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** For tests: waits until the reader thread has ended (after {@link #close}). */
  boolean awaitReaderStopped(long timeout, TimeUnit unit) throws InterruptedException {
    reader.join(unit.toMillis(timeout));
    return !reader.isAlive();
  }
}
