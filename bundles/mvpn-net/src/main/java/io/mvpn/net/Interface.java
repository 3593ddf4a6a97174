package io.mvpn.net;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.capture.PcapngWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attachment of a VRF to a link: an address and subnet, a transport that moves the datagrams,
 * counters and an optional pcapng capture. Made by {@link Vrf#addInterface}.
 */
public final class Interface {

  private static final Logger LOG = LoggerFactory.getLogger(Interface.class);

  private final String name;
  private final Vrf vrf;
  private final Ipv4Address address;
  private final Prefix subnet;
  private final Transport transport;
  private final Counters counters = new Counters();
  private volatile boolean up = true;
  private volatile Capture capture;
  private volatile ReaderStage readerStage;

  /** Link-layer source of the datagram being received now; -1 when unknown or between calls. */
  private int receivingFrom = NO_STATION;

  /** No link-layer station is known. */
  public static final int NO_STATION = -1;

  /** A running capture: the file's writer and the offset from scheduler time to epoch time. */
  private record Capture(PcapngWriter writer, long epochOffsetNanos) {}

  Interface(String name, Vrf vrf, Ipv4Address address, int prefixLength, Transport transport) {
    this.name = Objects.requireNonNull(name, "name");
    this.vrf = vrf;
    this.address = Objects.requireNonNull(address, "address");
    this.subnet = Prefix.of(address.toInt() & Prefix.mask(prefixLength), prefixLength);
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  public String name() {
    return name;
  }

  public Vrf vrf() {
    return vrf;
  }

  public Scheduler scheduler() {
    return vrf.scheduler();
  }

  public Ipv4Address address() {
    return address;
  }

  /** The connected subnet, e.g. 10.1.0.0/16 for address 10.1.0.1 with length 16. */
  public Prefix subnet() {
    return subnet;
  }

  /** The subnet's directed broadcast address (all host bits set). */
  public int broadcastAddress() {
    return subnet.networkInt() | ~Prefix.mask(subnet.length());
  }

  public Transport transport() {
    return transport;
  }

  public int mtu() {
    return transport.mtu();
  }

  public Counters counters() {
    return counters;
  }

  public boolean isUp() {
    return up;
  }

  /** An interface that is down neither sends nor receives; its datagrams are counted as DOWN. */
  public void setUp(boolean up) {
    this.up = up;
  }

  /**
   * Called by the transport, on this interface's scheduler, for each datagram that arrived. Takes
   * ownership of the buffer.
   */
  public void receive(ByteBuf datagram) {
    receive(datagram, NO_STATION);
  }

  /**
   * As {@link #receive(ByteBuf)}, from a known link-layer station, which handlers read through
   * {@link #receivingFrom()} while they process this datagram.
   */
  public void receive(ByteBuf datagram, int station) {
    receivingFrom = station;
    try {
      deliver(datagram);
    } finally {
      receivingFrom = NO_STATION;
    }
  }

  /**
   * The interface's transport's readers run {@code stage} on each packet they read, before the VRF
   * gets it ({@link ReaderStage}); null (the default) hands the packets over as they are. Any
   * thread: readers see the change with their next packet.
   */
  public void setReaderStage(ReaderStage stage) {
    this.readerStage = stage;
  }

  /** For transports' reader threads: the stage to run on a packet just read, or null. */
  public ReaderStage readerStage() {
    return capture == null ? readerStage : null; // a capture records packets as they arrived
  }

  /**
   * Called by the transport, on this interface's scheduler, for a packet its {@linkplain
   * #readerStage reader stage} took: counted as a datagram received here and delivered by the VRF,
   * then the stage's result runs.
   */
  public void receive(ReaderStage.Result staged) {
    counters.onReceived();
    if (!up) {
      counters.onDrop(DropReason.DOWN);
      staged.discard();
      return;
    }
    vrf.counters().onReceived();
    vrf.counters().onDelivered();
    try {
      staged.onLoop(this);
    } catch (RuntimeException e) {
      // As the VRF does for a handler that throws: counted, and the rest of the burst goes on.
      vrf.counters().onDrop(DropReason.HANDLER_ERROR);
      LOG.debug("{}: a reader stage's result failed on the loop", name, e);
    }
  }

  /**
   * The link-layer station the datagram being processed came from; valid only during its processing
   * on this interface's scheduler ({@link #NO_STATION} otherwise).
   */
  public int receivingFrom() {
    return receivingFrom;
  }

  /** Sends a datagram to one link-layer station; takes ownership of the buffer. */
  public void transmitToStation(ByteBuf datagram, int station) {
    if (!up) {
      counters.onDrop(DropReason.DOWN);
      datagram.release();
      return;
    }
    counters.onSent();
    record(datagram);
    transport.sendToStation(datagram, station);
  }

  private void deliver(ByteBuf datagram) {
    counters.onReceived();
    record(datagram);
    if (!up) {
      counters.onDrop(DropReason.DOWN);
      datagram.release();
      return;
    }
    vrf.receive(this, datagram);
  }

  /** Hands one datagram to the transport; takes ownership of the buffer. */
  void transmit(ByteBuf datagram, int nextHop) {
    if (!up) {
      counters.onDrop(DropReason.DOWN);
      datagram.release();
      return;
    }
    counters.onSent();
    record(datagram);
    transport.send(datagram, nextHop);
  }

  /**
   * Starts writing every datagram this interface sends or receives to a pcapng file (link type raw
   * IPv4). Timestamps are scheduler time plus {@code epochOffsetNanos}: zero keeps a virtual-time
   * capture reproducible; the wall clock's offset makes a real-time one readable.
   */
  public synchronized void startCapture(Path file, long epochOffsetNanos) throws IOException {
    if (capture != null) {
      throw new IllegalStateException(name + " is already capturing");
    }
    capture = new Capture(PcapngWriter.open(file, name), epochOffsetNanos);
  }

  /** Stops the capture and closes its file; returns the number of packets written, -1 if none. */
  public synchronized long stopCapture() {
    Capture running = capture;
    if (running == null) {
      return -1;
    }
    capture = null;
    try {
      running.writer().close();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": closing the capture failed", e);
    }
    return running.writer().packets();
  }

  public boolean isCapturing() {
    return capture != null;
  }

  private void record(ByteBuf datagram) {
    Capture running = capture;
    if (running == null) {
      return;
    }
    try {
      running.writer().write(scheduler().nanoTime() + running.epochOffsetNanos(), datagram);
    } catch (IOException e) {
      // The capture was stopped under us, or the disk is full: the data plane goes on without it.
      LOG.warn("{}: capture failed, stopping it: {}", name, e.toString());
      capture = null;
    }
  }

  @Override
  public String toString() {
    return name + " " + address + "/" + subnet.length() + " " + transport.describe();
  }
}
