package io.mvpn.net.transport.tun;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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
 *
 * <p>With {@code queues > 1} the device is multi-queue (IFF_MULTI_QUEUE): one reader per queue, so
 * the reads and the buffer copies of several flows run on several cores while the VRF's thread does
 * the forwarding; the kernel keeps each flow on one queue, so a flow stays in order. Writes, all
 * from the VRF's thread, go through the queue {@link WriteQueue} picks per flow: the kernel then
 * brings each flow's answers back on that queue.
 *
 * <p>With offload (the default; {@code offload=off} in the transport spec turns it off) the device
 * carries a virtio_net_hdr on every read and write: a read may return a TCP or UDP super-packet of
 * up to 64 KiB, which {@link GsoSplitter} cuts into the segments the VRF forwards, and the TCP
 * segments the VRF sends within one burst are joined per flow by {@link TcpCoalescer} and written
 * as one super-packet after the burst: fewer system calls, and the kernel's receive path runs once
 * per super-packet rather than per segment.
 */
public final class TunTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(TunTransport.class);

  /** The MTU of an Ethernet-sized link, which a TUN device has unless told otherwise. */
  public static final int DEFAULT_MTU = 1500;

  private static final int MIN_IPV4_HEADER = 20;

  /** Packets read before they go to the VRF; a burst never waits for more to come. */
  static final int BATCH = 32;

  /** The largest super-packet a read may return: an IPv4 packet's limit (no BIG TCP). */
  private static final int MAX_SUPER_PACKET = 0xFFFF;

  /**
   * Whether a transport spec without {@code offload=} uses segmentation offload: on, every kernel
   * test of the transport passes with it.
   */
  public static final boolean DEFAULT_OFFLOAD = true;

  /** How long {@link #close} waits for the reader to notice; it wakes at once in practice. */
  private static final long READER_STOP_MILLIS = 2000;

  /**
   * The most packets handed to the VRF and not yet taken by it; above, the readers drop what they
   * read (overruns) rather than queue direct buffers without bound. 4096 buffers of a 1500-byte
   * link hold about 8 MiB (pooled in 2 KiB runs).
   */
  static final int MAX_IN_FLIGHT = 4096;

  /** The most queues a transport opens: more readers than cores only add context switches. */
  public static final int MAX_QUEUES = 16;

  private final TunDevice[] queues;
  private final TunDevice device; // the first queue: names the device
  private final int mtu;
  private final boolean offload;
  private final OffloadCounters offloadCounters = new OffloadCounters();
  private final TcpCoalescer coalescer; // VRF's thread only; null without offload
  private boolean flushQueued; // VRF's thread only

  private final TcpCoalescer.Output toDevice =
      new TcpCoalescer.Output() {
        @Override
        public void packet(ByteBuf packet) {
          write(packet, false);
        }

        @Override
        public void frame(ByteBuf frame) {
          write(frame, true);
        }
      };
  private final int readCapacity;
  private Interface owner;
  private Thread[] readers = new Thread[0];
  private volatile boolean closed;
  private volatile TunException failure;
  private final LongAdder nonIpv4 = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final LongAdder[] receivedByQueue;
  private volatile BurstHandOver handOver;

  private TunTransport(TunDevice[] queues, int mtu) {
    this.queues = queues;
    this.device = queues[0];
    this.mtu = mtu;
    this.offload = device.vnetHeader();
    this.coalescer = offload ? new TcpCoalescer(offloadCounters) : null;
    this.receivedByQueue = new LongAdder[queues.length];
    for (int q = 0; q < queues.length; q++) {
      receivedByQueue[q] = new LongAdder();
    }
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
    return open(name, mtu, 1, DEFAULT_OFFLOAD);
  }

  /**
   * As {@link #open(String, int)}, with {@code queues} queues: more than one needs a multi-queue
   * device ({@code ip tuntap add dev NAME mode tun multi_queue user USER}) or CAP_NET_ADMIN.
   */
  public static TunTransport open(String name, int mtu, int queues) throws TunException {
    return open(name, mtu, queues, DEFAULT_OFFLOAD);
  }

  /**
   * As {@link #open(String, int, int)}, with segmentation offload on or off: on, reads and writes
   * carry a virtio_net_hdr and TCP/UDP travel as super-packets where the kernel allows it.
   */
  public static TunTransport open(String name, int mtu, int queues, boolean offload)
      throws TunException {
    if (mtu < 68 || mtu > 0xFFFF) {
      throw new IllegalArgumentException("MTU " + mtu + " outside 68..65535");
    }
    if (queues < 1 || queues > MAX_QUEUES) {
      throw new IllegalArgumentException("queues " + queues + " outside 1.." + MAX_QUEUES);
    }
    TunDevice[] opened = new TunDevice[queues];
    try {
      for (int q = 0; q < queues; q++) {
        opened[q] = TunDevice.open(name, mtu, queues > 1, offload);
      }
    } catch (LinkageError e) {
      closeAll(opened);
      throw new TunException(
          TunException.Reason.NATIVE_UNAVAILABLE, 0, "tun:" + name + ": JNA is missing: " + e, e);
    } catch (TunException | RuntimeException e) {
      closeAll(opened);
      throw e;
    }
    TunDevice first = opened[0];
    LOG.info(
        "tun:{} {} (MTU {}{}{}{})",
        name,
        first.created() ? "created" : "attached",
        first.linkMtu(),
        queues > 1 ? ", " + queues + " queues" : "",
        first.persistent() ? ", persistent" : "",
        offload ? ", offload 0x" + Integer.toHexString(first.offloads()) : "");
    return new TunTransport(opened, mtu);
  }

  private static void closeAll(TunDevice[] queues) {
    for (TunDevice q : queues) {
      if (q != null) {
        q.close();
      }
    }
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
    long sum = 0;
    for (LongAdder r : receivedByQueue) {
      sum += r.sum();
    }
    return sum;
  }

  /** Packets read from each queue: how the kernel spread the flows over them. */
  public long[] receivedByQueue() {
    long[] out = new long[receivedByQueue.length];
    for (int q = 0; q < out.length; q++) {
      out[q] = receivedByQueue[q].sum();
    }
    return out;
  }

  /** How many queues the device is read through. */
  public int queues() {
    return queues.length;
  }

  /** Whether reads and writes carry a virtio_net_hdr: super-packets are cut and joined. */
  public boolean offload() {
    return offload;
  }

  /** What segmentation offload did; all zero without it. */
  public OffloadCounters offloadCounters() {
    return offloadCounters;
  }

  /** Packets of another IP version read and dropped (IPv6 neighbour discovery, MLD). */
  public long nonIpv4() {
    return nonIpv4.sum();
  }

  /** Reads that were empty or longer than the buffer, dropped. */
  public long truncated() {
    return truncated.sum();
  }

  /**
   * Packets read and dropped because the VRF had {@link #MAX_IN_FLIGHT} earlier ones still to take:
   * a flood faster than forwarding. Counted on the interface as {@link DropReason#LINK}.
   */
  public long overruns() {
    BurstHandOver h = handOver;
    return h == null ? 0 : h.overruns();
  }

  /** Why the reader stopped on its own (the device was deleted under it, say); null if it runs. */
  public TunException failure() {
    return failure;
  }

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    handOver = BurstHandOver.toVrfOf(owner, MAX_IN_FLIGHT);
    readers = new Thread[queues.length];
    for (int q = 0; q < queues.length; q++) {
      int queue = q;
      String thread = "mvpn-tun-" + device.name() + (queues.length > 1 ? "-" + q : "");
      // A Netty thread: the pooled allocator caches memory and recycles buffer objects only on
      // those, so a plain thread would take every packet's buffer from the shared arena, locked.
      readers[q] =
          new FastThreadLocalThread(() -> readLoop(queues[queue], receivedByQueue[queue]), thread);
      readers[q].setDaemon(true);
      readers[q].start();
    }
  }

  /**
   * Writes the datagram into the kernel; on the VRF's scheduler, like every send. With offload it
   * is queued, and the queue is written by a task that the first send of a burst puts behind the
   * burst's own task on the same scheduler.
   */
  @Override
  public void send(ByteBuf datagram, int nextHop) {
    if (closed || failure != null) {
      datagram.release();
      owner.counters().onDrop(DropReason.DOWN);
      return;
    }
    if (coalescer != null) {
      coalescer.add(datagram);
      if (!flushQueued) {
        flushQueued = true;
        if (!onScheduler(this::flush)) {
          flush();
        }
      }
      return;
    }
    try {
      queues[WriteQueue.of(datagram, 0, queues.length)].write(datagram);
    } catch (TunException e) {
      // EIO while the device is down, EINVAL for what the kernel will not take as IP.
      owner.counters().onDrop(DropReason.LINK);
    } finally {
      datagram.release();
    }
  }

  /** Writes what the sends of a burst queued, joined per flow. On the VRF's scheduler. */
  private void flush() {
    flushQueued = false;
    coalescer.flush(toDevice);
  }

  private void write(ByteBuf bytes, boolean frame) {
    if (closed || failure != null) {
      owner.counters().onDrop(DropReason.DOWN);
      return;
    }
    try {
      if (frame) {
        queues[WriteQueue.of(bytes, VirtioNetHeader.SIZE, queues.length)].writeFrame(bytes);
      } else {
        queues[WriteQueue.of(bytes, 0, queues.length)].write(bytes);
      }
    } catch (TunException e) {
      owner.counters().onDrop(DropReason.LINK);
    }
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public String describe() {
    return "tun:"
        + device.name()
        + ",mtu="
        + mtu
        + (queues.length > 1 ? ",queues=" + queues.length : "")
        + (offload == DEFAULT_OFFLOAD ? "" : offload ? ",offload=on" : ",offload=off");
  }

  /** Stops the reader and closes the device; on the VRF's scheduler, like every send. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (coalescer != null) {
      if (!coalescer.isEmpty()) {
        flush(); // counts what it still held as dropped: the link is down
      }
      coalescer.close();
    }
    for (TunDevice queue : queues) {
      queue.wake();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READER_STOP_MILLIS);
    for (Thread reader : readers) {
      try {
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (reader.isAlive()) {
        LOG.warn(
            "tun:{}: {} did not stop within {} ms",
            device.name(),
            reader.getName(),
            READER_STOP_MILLIS);
      }
    }
    // The kernel deletes a device made here when its last queue closes.
    closeAll(queues);
  }

  private void readLoop(TunDevice device, LongAdder received) {
    ByteBufAllocator alloc = owner.vrf().alloc();
    ReaderBurst burst = new ReaderBurst(handOver, owner);
    Consumer<ByteBuf> toBurst =
        packet -> {
          received.increment();
          if (accept(packet, packet.readableBytes())) {
            burst.add(packet);
          }
        };
    int own = owner.address().toInt();
    Vrf vrf = owner.vrf();
    GsoSplitter.ChecksumFree free = (a, port) -> a == own && vrf.takesUdpWithoutChecksum(port);
    GsoSplitter splitter =
        offload ? new GsoSplitter(alloc, readCapacity, offloadCounters, free) : null;
    if (splitter != null) {
      readFrames(device, alloc, splitter, burst, toBurst, received);
      return;
    }
    ByteBuf buffer = null;
    try {
      while (!closed && device.awaitPacket()) {
        while (!closed) {
          if (buffer == null) {
            buffer = alloc.directBuffer(readCapacity, readCapacity);
          }
          int n = device.read(buffer);
          if (n < 0) {
            burst.handOver();
            break;
          }
          if (buffer.readableBytes() != n) {
            // A kernel that reports the whole length of a packet it could not copy in full.
            received.increment();
            dropTruncated();
            buffer.clear();
          } else {
            ByteBuf packet = buffer;
            buffer = null;
            toBurst.accept(packet);
          }
        }
      }
    } catch (TunException | RuntimeException e) {
      readerFailed(device, e);
    } finally {
      if (buffer != null) {
        buffer.release();
      }
      burst.release();
    }
  }

  /**
   * The read loop with offload: each read puts the virtio_net_hdr in a small buffer and a packet of
   * up to the MTU straight into a pooled buffer of its own, which goes to the VRF as it is; only
   * what is longer (a super-packet) continues into a reusable 64 KiB frame, where the splitter cuts
   * it into new buffers.
   */
  private void readFrames(
      TunDevice device,
      ByteBufAllocator alloc,
      GsoSplitter splitter,
      ReaderBurst burst,
      Consumer<ByteBuf> toBurst,
      LongAdder received) {
    int capacity = VirtioNetHeader.SIZE + MAX_SUPER_PACKET;
    ByteBuf header = alloc.directBuffer(VirtioNetHeader.SIZE, VirtioNetHeader.SIZE);
    ByteBuf frame = alloc.directBuffer(capacity, capacity);
    ByteBuf packet = null;
    try {
      while (!closed && device.awaitPacket()) {
        while (!closed) {
          if (packet == null) {
            packet = alloc.directBuffer(readCapacity, readCapacity);
          }
          int n = device.read(header, packet, frame);
          if (n < 0) {
            burst.handOver();
            break;
          }
          int length = n - VirtioNetHeader.SIZE;
          header.setIndex(0, VirtioNetHeader.SIZE);
          if (n > capacity) {
            received.increment();
            dropTruncated();
          } else if (length >= 1
              && length <= readCapacity
              && VirtioNetHeader.gsoType(header, 0) == VirtioNetHeader.GSO_NONE) {
            packet.setIndex(0, length);
            ByteBuf one = packet;
            packet = null;
            single(splitter, header, one, toBurst, received);
          } else {
            frame.setBytes(0, header, 0, VirtioNetHeader.SIZE);
            frame.setBytes(
                VirtioNetHeader.SIZE, packet, 0, Math.min(Math.max(length, 0), readCapacity));
            frame.setIndex(0, Math.max(n, 0));
            split(splitter, frame, toBurst, received);
          }
          if (packet != null) {
            packet.clear();
          }
        }
      }
    } catch (TunException | RuntimeException e) {
      readerFailed(device, e);
    } finally {
      if (packet != null) {
        packet.release();
      }
      header.release();
      frame.release();
      burst.release();
    }
  }

  private void readerFailed(TunDevice device, Exception e) {
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
  }

  /** A packet read into its own buffer: checksum as its header says, then to the burst. */
  private void single(
      GsoSplitter splitter,
      ByteBuf header,
      ByteBuf packet,
      Consumer<ByteBuf> toBurst,
      LongAdder received) {
    try {
      splitter.single(header, packet, toBurst);
    } catch (BadVnetHeaderException e) {
      packet.release();
      badHeader(e, received);
    }
  }

  private void split(
      GsoSplitter splitter, ByteBuf frame, Consumer<ByteBuf> toBurst, LongAdder received) {
    if (VirtioNetHeader.gsoType(frame, frame.readerIndex()) == VirtioNetHeader.GSO_NONE
        && frame.readableBytes() - VirtioNetHeader.SIZE > readCapacity) {
      // Longer than the MTU the transport was given, as it would be truncated without offload.
      received.increment();
      dropTruncated();
      return;
    }
    try {
      splitter.split(frame, toBurst);
    } catch (BadVnetHeaderException e) {
      badHeader(e, received);
    }
  }

  private void badHeader(BadVnetHeaderException e, LongAdder received) {
    received.increment();
    offloadCounters.onBadHeader(e.reason());
    LOG.debug("tun:{}: dropped a read: {}", device.name(), e.getMessage());
    onScheduler(() -> owner.counters().onDrop(DropReason.LINK));
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
      nonIpv4.increment();
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

  private void dropTruncated() {
    truncated.increment();
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
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread reader : readers) {
      reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (reader.isAlive()) {
        return false;
      }
    }
    return true;
  }
}
