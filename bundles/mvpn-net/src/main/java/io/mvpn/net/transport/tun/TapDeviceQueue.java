package io.mvpn.net.transport.tun;

import io.netty.buffer.ByteBuf;

/**
 * A Linux TAP device (IFF_TAP|IFF_NO_PI) opened through the same clone device, ioctls and
 * non-blocking reads as a TUN device: each read yields one Ethernet frame, each write sends one.
 * The Ethernet side (framing, ARP, stations) lives in {@code io.mvpn.net.transport.tap}; this is
 * only the device, so both kinds share one set of native calls.
 */
public final class TapDeviceQueue implements AutoCloseable {

  private final TunDevice device;

  private TapDeviceQueue(TunDevice device) {
    this.device = device;
  }

  /**
   * Attaches to the TAP device {@code name} ({@code ip tuntap add dev NAME mode tap user USER}), or
   * creates it with {@code mtu} when this process has CAP_NET_ADMIN.
   *
   * @throws TunException naming the cause: no driver, not permitted, busy, not a TAP device
   */
  public static TapDeviceQueue open(String name, int mtu) throws TunException {
    try {
      return new TapDeviceQueue(TunDevice.open(name, mtu, false, false, LinuxTun.IFF_TAP));
    } catch (LinkageError e) {
      throw new TunException(
          TunException.Reason.NATIVE_UNAVAILABLE, 0, "tap:" + name + ": JNA is missing: " + e, e);
    }
  }

  public String name() {
    return device.name();
  }

  /** Whether this process made the device, which then goes when it closes. */
  public boolean created() {
    return device.created();
  }

  /** The device's MTU (the IP payload of a frame) as the kernel had it when opened. */
  public int linkMtu() {
    return device.linkMtu();
  }

  /** Blocks until a frame waits or {@link #wake} is called; false once woken. */
  public boolean awaitFrame() throws TunException {
    return device.awaitPacket();
  }

  /** Reads one frame into the buffer's writable bytes; the length, or -1 when none waits. */
  public int read(ByteBuf into) throws TunException {
    return device.read(into);
  }

  /** Writes one frame (the readable bytes); the caller keeps the buffer. */
  public void write(ByteBuf frame) throws TunException {
    device.write(frame);
  }

  /** Makes {@link #awaitFrame} return false, now or at its next call. Any thread. */
  public void wake() {
    device.wake();
  }

  @Override
  public void close() {
    device.close();
  }
}
