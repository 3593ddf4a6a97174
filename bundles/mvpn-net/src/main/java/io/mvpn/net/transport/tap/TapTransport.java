package io.mvpn.net.transport.tap;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.transport.tun.TapDeviceQueue;
import io.mvpn.net.transport.tun.TunException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Ethernet link through a Linux TAP device ({@code tap:DEV[,mtu=N]}): the device's kernel side
 * is a port of a bridge (or the host's own Ethernet stack), this side a station with a MAC of its
 * own, derived from the device name so that it survives restarts. One reader thread per device
 * hands each frame to the VRF's scheduler, at most {@link #MAX_IN_FLIGHT} waiting; every write
 * comes from the VRF's thread.
 */
public final class TapTransport extends EthernetTransport {

  private static final Logger LOG = LoggerFactory.getLogger(TapTransport.class);

  public static final int DEFAULT_MTU = 1500;

  /** Frames read and not yet taken by the VRF; beyond, the reader drops (overruns). */
  static final int MAX_IN_FLIGHT = 1024;

  /** Room for a VLAN tag the kernel may pass on, beyond header and MTU. */
  private static final int SLACK = 4;

  private final TapDeviceQueue device;
  private final int readCapacity;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder overruns = new LongAdder();
  private Thread reader;
  private volatile boolean closed;
  private volatile Exception failure;

  private TapTransport(TapDeviceQueue device, long mac, int mtu) {
    super(mac, mtu);
    this.device = device;
    this.readCapacity = Ethernet.HEADER + Math.max(mtu, device.linkMtu()) + SLACK;
  }

  /**
   * Attaches to the TAP device {@code name} ({@code ip tuntap add dev NAME mode tap user USER}), or
   * creates it (with CAP_NET_ADMIN); it then disappears when the transport closes.
   */
  public static TapTransport open(String name, int mtu) throws TunException {
    if (mtu < 68 || mtu > 0xFFFF - Ethernet.HEADER) {
      throw new IllegalArgumentException("MTU " + mtu + " outside 68.." + (0xFFFF - 14));
    }
    TapDeviceQueue device = TapDeviceQueue.open(name, mtu);
    long mac = Ethernet.localMac(name);
    LOG.info(
        "tap:{} {} (MTU {}, MAC {})",
        name,
        device.created() ? "created" : "attached",
        device.linkMtu(),
        Ethernet.format(mac));
    return new TapTransport(device, mac, mtu);
  }

  public String deviceName() {
    return device.name();
  }

  /** Frames read and dropped because the VRF had not taken {@link #MAX_IN_FLIGHT} earlier ones. */
  public long overruns() {
    return overruns.sum();
  }

  /** Why the reader stopped on its own (the device was deleted under it); null while it runs. */
  public Exception failure() {
    return failure;
  }

  @Override
  public void attach(Interface owner) {
    super.attach(owner);
    reader = new FastThreadLocalThread(this::readLoop, "mvpn-tap-" + device.name());
    reader.setDaemon(true);
    reader.start();
    announceSelf();
  }

  @Override
  protected void writeFrame(ByteBuf frame) {
    try {
      if (closed || failure != null) {
        owner().counters().onDrop(DropReason.DOWN);
        return;
      }
      device.write(frame);
    } catch (TunException e) {
      drop(FrameDrop.DEVICE, DropReason.LINK);
    } finally {
      frame.release();
    }
  }

  @Override
  public String describe() {
    return "tap:" + device.name() + ",mtu=" + mtu() + " (" + linkSummary() + ")";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.wake();
    if (reader != null) {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    releaseWaiting();
    device.close();
  }

  private void readLoop() {
    ByteBufAllocator alloc = owner().vrf().alloc();
    ByteBuf buffer = null;
    try {
      while (!closed && device.awaitFrame()) {
        while (!closed) {
          if (buffer == null) {
            buffer = alloc.directBuffer(readCapacity, readCapacity);
          }
          int n = device.read(buffer);
          if (n < 0) {
            break;
          }
          if (n > readCapacity || inFlight.get() >= MAX_IN_FLIGHT) {
            buffer.clear(); // longer than any frame of this MTU, or a flood: read over it
            overruns.increment();
            continue;
          }
          ByteBuf frame = buffer;
          buffer = null;
          inFlight.incrementAndGet();
          try {
            owner()
                .scheduler()
                .execute(
                    () -> {
                      inFlight.decrementAndGet();
                      receiveFrame(frame);
                    });
          } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            frame.release();
            return;
          }
        }
      }
    } catch (TunException | RuntimeException e) {
      if (!closed) {
        failure = e;
        LOG.error("tap:{}: reader stopped: {}", device.name(), e.toString());
      }
    } finally {
      if (buffer != null) {
        buffer.release();
      }
    }
  }
}
