package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * One ESP security association in tunnel mode (RFC 4303) with AES-GCM and a 16-byte ICV (RFC 4106),
 * through the JDK's provider, or with one of the other {@link EspTransform}s (AES-CBC with
 * HMAC-SHA2, ChaCha20-Poly1305); AES-GCM runs inline, the others through the transform. Outbound it
 * numbers, pads, encrypts and wraps inner IPv4 datagrams; inbound it checks replay, verifies and
 * decrypts, moves the window only after the ICV verified, and checks the padding. An inbound SA may
 * leave its tunnel source unset: it then accepts packets from any outer source (the wildcard seed
 * 001's handover relies on).
 *
 * <p>Safe for threads that seal or open at once (each multi-queue reader with the packets it read):
 * the SA's lock is held only where its state changes, around taking the next sequence number (so
 * every number is sent once) and around the replay window's check-and-update with the packet
 * counts; AES-GCM itself runs outside the lock, on a cipher of the calling thread's own ({@link
 * EspThreadState}). Inbound the window is checked before the decryption (a replay costs no cipher)
 * and checked again and moved only after the ICV verified: of two threads that open the same packet
 * at once, both may decrypt it, exactly one accepts it. The other transforms keep one cipher per SA
 * and run under the lock. The soft-expiry listener runs on the thread whose packet crossed the
 * limit, outside the lock. Configuration ({@link #setLifetime}, {@link #repoint}, {@link
 * #resumeAfter}) belongs to the engine's thread, before or between packets.
 */
public final class EspSecurityAssociation {

  /** RFC 4106 §6: the ICV length used here, the one every implementation must support. */
  public static final int ICV_LENGTH = 16;

  public static final int IV_LENGTH = 8;
  public static final int SALT_LENGTH = 4;

  /** Next header 4: an IPv4 datagram (tunnel mode); 59: a dummy packet, dropped silently. */
  public static final int NEXT_IPV4 = 4;

  public static final int NEXT_DUMMY = 59;

  /** Which way the SA protects traffic. */
  public enum Direction {
    INBOUND,
    OUTBOUND
  }

  private final int spi;
  private final Direction direction;
  private volatile Ipv4Address tunnelSource; // null: any (inbound only)
  private volatile Ipv4Address tunnelDestination;
  // ESP in UDP (RFC 3948): 4500 at both ends unless a NAT on the path mapped the peer's elsewhere.
  private volatile int udpSourcePort = EspInUdp.PORT;
  private volatile int udpDestinationPort = EspInUdp.PORT;
  private final boolean extendedSequenceNumbers;
  private final SecretKeySpec key;
  private final byte[] salt;
  private final EspTransform transform; // null: AES-GCM, inline (the benchmarked path)
  private final ThreadLocal<EspThreadState> threadState;
  private final Object lock = new Object(); // the sequence, the window, the counts
  private final ReplayWindow window;
  private final AtomicLongArray refused = new AtomicLongArray(EspException.Reason.values().length);
  private final SaSequence numbers = new SaSequence();
  private final SaUsage usage = new SaUsage(); // under the lock
  private volatile Consumer<EspSecurityAssociation> softExpiryListener = sa -> {};

  /**
   * @param keyMaterial AES key followed by the 4-byte salt: 20 or 36 bytes (RFC 4106 §8.1)
   * @param source the outer source; null on an inbound SA for any source
   * @param esn whether the SA uses extended sequence numbers
   * @param replayWindow inbound window size (0 to disable, which only manual keying may want)
   */
  public EspSecurityAssociation(
      int spi,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      byte[] keyMaterial,
      boolean esn,
      int replayWindow) {
    this(spi, direction, source, destination, keyMaterial, null, esn, replayWindow);
  }

  /** An SA with AES-CBC and HMAC-SHA2, or ChaCha20-Poly1305, instead of AES-GCM. */
  public EspSecurityAssociation(
      int spi,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      EspTransform transform,
      boolean esn,
      int replayWindow) {
    this(
        spi,
        direction,
        source,
        destination,
        null,
        Objects.requireNonNull(transform),
        esn,
        replayWindow);
  }

  private EspSecurityAssociation(
      int spi,
      Direction direction,
      Ipv4Address tunnelSource,
      Ipv4Address tunnelDestination,
      byte[] keyMaterial,
      EspTransform transform,
      boolean extendedSequenceNumbers,
      int replayWindow) {
    if (spi >= 0 && spi < 256) {
      throw new IllegalArgumentException("SPI " + spi + ": 0-255 are reserved (RFC 4303 §2.1)");
    }
    if (transform == null && keyMaterial.length != 20 && keyMaterial.length != 36) {
      throw new IllegalArgumentException(
          "AES-GCM key material is 20 or 36 bytes (key + 4-byte salt), not " + keyMaterial.length);
    }
    if (direction == Direction.OUTBOUND && tunnelSource == null) {
      throw new IllegalArgumentException("an outbound SA needs its tunnel source");
    }
    this.spi = spi;
    this.direction = direction;
    this.tunnelSource = tunnelSource;
    this.tunnelDestination = Objects.requireNonNull(tunnelDestination, "tunnelDestination");
    this.extendedSequenceNumbers = extendedSequenceNumbers;
    this.transform = transform;
    this.window =
        direction == Direction.INBOUND && replayWindow > 0 ? new ReplayWindow(replayWindow) : null;
    boolean gcm = transform == null;
    this.threadState =
        ThreadLocal.withInitial(() -> new EspThreadState(gcm, extendedSequenceNumbers));
    if (transform != null) {
      key = null;
      salt = null;
      return;
    }
    this.key = new SecretKeySpec(keyMaterial, 0, keyMaterial.length - SALT_LENGTH, "AES");
    this.salt =
        Arrays.copyOfRange(keyMaterial, keyMaterial.length - SALT_LENGTH, keyMaterial.length);
  }

  public int spi() {
    return spi;
  }

  /** Null for AES-GCM, which runs inline. */
  EspTransform transform() {
    return transform;
  }

  public Direction direction() {
    return direction;
  }

  /** The outer source; null for an inbound SA that accepts any. */
  public Ipv4Address tunnelSource() {
    return tunnelSource;
  }

  /** Where {@link #encapsulateInUdp} sends from: 4500 unless set. */
  public int udpSourcePort() {
    return udpSourcePort;
  }

  /**
   * Where {@link #encapsulateInUdp} sends to: 4500, or the port a NAT mapped the peer's 4500 to.
   */
  public int udpDestinationPort() {
    return udpDestinationPort;
  }

  /**
   * The UDP ports of ESP in UDP (RFC 3948): ours, and the peer's as IKE found it behind its NAT, or
   * as the peer's authenticated ESP shows it when that NAT's mapping moved (RFC 7296 §2.23).
   */
  public void setUdpPorts(int source, int destination) {
    if (source < 1 || source > 0xFFFF || destination < 1 || destination > 0xFFFF) {
      throw new IllegalArgumentException("UDP ports " + source + " > " + destination);
    }
    this.udpSourcePort = source;
    this.udpDestinationPort = destination;
  }

  public Ipv4Address tunnelDestination() {
    return tunnelDestination;
  }

  public boolean extendedSequenceNumbers() {
    return extendedSequenceNumbers;
  }

  /**
   * A copy of the SA's slice of KEYMAT (RFC 7296 §2.17): the key, an AEAD's salt, AES-CBC's
   * integrity key. For the key exchange that derived this SA to hand it to the data plane that runs
   * it (a security gateway builds its own SA from it: {@link EspSuite}), never sharing a sequence.
   */
  public byte[] keyMaterial() {
    if (transform != null) {
      return transform.keyMaterial();
    }
    byte[] k = key.getEncoded();
    byte[] out = Arrays.copyOf(k, k.length + SALT_LENGTH);
    System.arraycopy(salt, 0, out, k.length, SALT_LENGTH);
    Arrays.fill(k, (byte) 0);
    return out;
  }

  /** The inbound anti-replay window in packets; 0 for none, and on an outbound SA. */
  public int replayWindow() {
    return window == null ? 0 : window.size();
  }

  /** Outbound: the last sequence number sent. Inbound: the highest accepted. */
  public long sequence() {
    return numbers.published; // no lock: the gateway's thread reads it beside the SA's owner
  }

  /**
   * Whether the last packet the calling thread opened with this SA moved the replay window's top:
   * it was the node's newest so far.
   */
  public boolean openedNewest() {
    return threadState.get().newest;
  }

  /**
   * Continues the SA above a sequence number an earlier instance of it reserved: outbound it sends
   * from the next one on, so no number repeats under the key (RFC 4303 §3.3.3); inbound it refuses
   * everything up to it as a replay.
   */
  public void resumeAfter(long reserved) {
    synchronized (lock) {
      if (direction == Direction.OUTBOUND) {
        long last = numbers.last;
        numbers.last = Long.compareUnsigned(reserved, last) > 0 ? reserved : last;
        numbers.published = numbers.last;
      } else if (window != null) {
        window.startAbove(reserved);
        numbers.published = window.top();
      }
    }
  }

  public long packets() {
    synchronized (lock) {
      return usage.packets();
    }
  }

  public long bytes() {
    synchronized (lock) {
      return usage.bytes();
    }
  }

  public long refused(EspException.Reason reason) {
    return refused.get(reason.ordinal());
  }

  /**
   * Sets the SA's lifetimes, counted from now on {@code clockNanos} (the engine's scheduler time).
   * {@code onSoftExpiry} runs once, on the packet that crosses a soft limit: the owner re-keys.
   */
  public void setLifetime(
      Lifetime lifetime, LongSupplier clockNanos, Consumer<EspSecurityAssociation> onSoftExpiry) {
    this.softExpiryListener = Objects.requireNonNull(onSoftExpiry, "onSoftExpiry");
    synchronized (lock) {
      usage.limit(lifetime, clockNanos);
    }
  }

  public Lifetime lifetime() {
    synchronized (lock) {
      return usage.lifetime();
    }
  }

  /** True once a soft limit was crossed. */
  public boolean softExpired() {
    synchronized (lock) {
      return usage.softExpired();
    }
  }

  /** True once a hard limit is reached: the SA neither sends nor accepts any more. */
  public boolean hardExpired() {
    synchronized (lock) {
      return usage.hardExpired(usage.now());
    }
  }

  /**
   * Moves the tunnel's end points (seed 001 c1, c5, c6): the mobile node's SAs follow its new
   * care-of address, the gateway's outbound SA follows it on an SIU. Keys, SPI and sequence numbers
   * stay.
   */
  public void repoint(Ipv4Address newSource, Ipv4Address newDestination) {
    if (direction == Direction.OUTBOUND && newSource == null) {
      throw new IllegalArgumentException("an outbound SA needs its tunnel source");
    }
    this.tunnelSource = newSource;
    this.tunnelDestination = Objects.requireNonNull(newDestination, "newDestination");
  }

  // ---- outbound -------------------------------------------------------------------------------

  /**
   * Wraps one inner IPv4 datagram: a new buffer with the outer IPv4 header (protocol 50) and the
   * ESP packet. The inner buffer is read, not consumed or released. The datagram is built in one
   * heap buffer from {@code alloc} (a pooled allocator makes the steady state allocation-free on
   * this side of the cipher): header first, then the ESP packet encrypted in place after it.
   */
  public ByteBuf encapsulate(ByteBufAllocator alloc, Ipv4Packet inner, int ttl)
      throws EspException {
    long seq = nextSequence(inner.totalLength());
    int espLength = espLength(inner.totalLength());
    ByteBuf out = outerHeader(alloc, IpProtocol.ESP, ttl, inner.tos(), espLength);
    return sealInto(out, seq, inner);
  }

  /**
   * As {@link #encapsulate}, in UDP (RFC 3948 §2.1, checksum 0) between {@link #udpSourcePort} and
   * {@link #udpDestinationPort}, for a path with a NAT on it.
   */
  public ByteBuf encapsulateInUdp(ByteBufAllocator alloc, Ipv4Packet inner, int ttl)
      throws EspException {
    long seq = nextSequence(inner.totalLength());
    int udpLength = UdpDatagram.HEADER_LENGTH + espLength(inner.totalLength());
    ByteBuf out = outerHeader(alloc, IpProtocol.UDP, ttl, 0, udpLength);
    byte[] a = out.array();
    int at = out.arrayOffset() + out.writerIndex();
    EspFraming.putInt(a, at, udpSourcePort << 16 | udpDestinationPort);
    EspFraming.putInt(a, at + 4, udpLength << 16); // checksum 0: RFC 3948 §2.1 SHOULD
    out.writerIndex(out.writerIndex() + UdpDatagram.HEADER_LENGTH);
    return sealInto(out, seq, inner);
  }

  /** The ESP packet alone (SPI through ICV) for one inner datagram. */
  public ByteBuf seal(ByteBufAllocator alloc, Ipv4Packet inner) throws EspException {
    long seq = nextSequence(inner.totalLength());
    return sealInto(alloc.heapBuffer(espLength(inner.totalLength())), seq, inner);
  }

  private ByteBuf outerHeader(ByteBufAllocator alloc, int protocol, int ttl, int tos, int length) {
    int from = tunnelSource.toInt();
    return EspFraming.outerHeader(
        alloc, from, tunnelDestination.toInt(), protocol, ttl, tos, length);
  }

  /** The length of this SA's ESP packet (SPI through ICV) for an inner datagram. */
  public int espLength(int innerLength) {
    return transform == null ? sealedLength(innerLength) : transform.sealedLength(innerLength);
  }

  /** The length of the AES-GCM ESP packet (SPI through ICV) that carries an inner datagram. */
  public static int sealedLength(int innerLength) {
    return 8 + IV_LENGTH + plainLength(innerLength) + ICV_LENGTH;
  }

  /** Data, pad 1, 2, 3..., pad length and next header, ending on a 4-byte boundary (§2.4). */
  private static int plainLength(int innerLength) {
    return (innerLength + 2 + 3) & ~3;
  }

  /**
   * Checks that the SA may send, takes the next sequence number (each number goes to one thread)
   * and counts the packet in the lifetime.
   */
  private long nextSequence(int innerLength) throws EspException {
    if (direction != Direction.OUTBOUND) {
      throw new IllegalStateException("SA " + spi + " is inbound");
    }
    long seq;
    boolean crossed;
    synchronized (lock) {
      long limit = extendedSequenceNumbers ? -1L : 0xFFFFFFFFL; // -1: 2^64 - 1 unsigned
      long now = usage.packetClock();
      if (Long.compareUnsigned(numbers.last, limit) >= 0 || usage.hardExpired(now)) {
        throw refuse(
            EspException.Reason.EXPIRED, "SA " + spi + " must be re-keyed before it sends again");
      }
      seq = ++numbers.last;
      numbers.published = seq;
      crossed = usage.count(innerLength, now);
    }
    if (crossed) {
      softExpiryListener.accept(this);
    }
    return seq;
  }

  /**
   * Writes the ESP packet at the writer index of {@code out}, a heap buffer with room for it: the
   * inner datagram and the trailer are copied there and encrypted in place, in one cipher call on
   * the buffer's array (the JDK then needs no copy of its own, whether the inner datagram was in a
   * direct buffer or in the same pooled array).
   */
  private ByteBuf sealInto(ByteBuf out, long seq, Ipv4Packet inner) {
    try {
      int innerLength = inner.totalLength();
      int plainLength =
          transform == null ? plainLength(innerLength) : transform.plainLength(innerLength);
      int ivLength = transform == null ? IV_LENGTH : transform.ivLength();
      int espLength = espLength(innerLength);
      out.ensureWritable(espLength);
      // Straight into the array: the buffer's per-call checks cost more than the writes.
      byte[] a = out.array();
      int at = out.arrayOffset() + out.writerIndex();
      EspFraming.putInt(a, at, spi);
      EspFraming.putInt(a, at + 4, (int) seq);
      int plainAt = at + 8 + ivLength;
      inner.buffer().getBytes(inner.offset(), a, plainAt, innerLength);
      int padLength = plainLength - innerLength - 2;
      for (int i = 1; i <= padLength; i++) {
        a[plainAt + innerLength + i - 1] = (byte) i;
      }
      a[plainAt + plainLength - 2] = (byte) padLength;
      a[plainAt + plainLength - 1] = NEXT_IPV4;
      if (transform != null) {
        synchronized (lock) { // one cipher per SA
          transform.seal(a, at, plainLength, seq, extendedSequenceNumbers);
        }
      } else {
        // The IV: the sequence number, unique under the key (RFC 4106 §3.1).
        EspFraming.putLong(a, at + 8, seq);
        threadState
            .get()
            .init(Cipher.ENCRYPT_MODE, key, salt, spi, seq, seq)
            .doFinal(a, plainAt, plainLength, a, plainAt);
      }
      out.writerIndex(out.writerIndex() + espLength);
      return out;
    } catch (GeneralSecurityException e) {
      out.release();
      throw new IllegalStateException("ESP encryption failed", e);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  // ---- inbound --------------------------------------------------------------------------------

  /**
   * Unwraps the ESP payload of an outer datagram addressed to this SA: the inner IPv4 datagram in a
   * new buffer, or null for a dummy packet. Nothing changes unless the ICV verifies.
   */
  public ByteBuf decapsulate(ByteBufAllocator alloc, Ipv4Packet outer) throws EspException {
    return open(alloc, outer.buffer(), outer.payloadOffset(), outer.payloadLength());
  }

  /**
   * As {@link #decapsulate}, for the ESP packet at {@code start} (raw or out of UDP). The result is
   * a heap buffer from {@code alloc}, decrypted into straight from the packet's array when it has
   * one; a packet in a direct or composite buffer is first copied into a scratch array of this
   * thread.
   */
  public ByteBuf open(ByteBufAllocator alloc, ByteBuf buf, int start, int length)
      throws EspException {
    if (direction != Direction.INBOUND) {
      throw new IllegalStateException("SA " + spi + " is outbound");
    }
    if (length < (transform == null ? 8 + IV_LENGTH + 2 + ICV_LENGTH : transform.minimumLength())) {
      throw refuse(EspException.Reason.TRUNCATED, "ESP packet of " + length + " bytes");
    }
    EspThreadState state = threadState.get();
    state.newest = false;
    int low = buf.getInt(start + 4);
    long seq;
    synchronized (lock) {
      if (usage.hardExpired(usage.packetClock())) {
        throw refuse(EspException.Reason.EXPIRED, "SA " + spi + " reached its hard lifetime");
      }
      seq = window == null ? (low & 0xFFFFFFFFL) : window.infer(low);
      if (window != null && !window.check(seq)) {
        throw refuse(EspException.Reason.REPLAY, "sequence " + Long.toUnsignedString(seq));
      }
    }
    if (transform != null) {
      return openWithTransform(alloc, buf, start, length, seq, state);
    }
    int cipherLength = length - 8 - IV_LENGTH;
    int plainLength = cipherLength - ICV_LENGTH;
    ByteBuf out = alloc.heapBuffer(plainLength);
    try {
      state.decrypt(key, salt, spi, buf, start, cipherLength, seq, out);
    } catch (AEADBadTagException e) {
      out.release();
      throw refuse(EspException.Reason.ICV, "ICV does not verify (SPI " + spi + ")");
    } catch (GeneralSecurityException e) {
      out.release();
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
    return authentic(out, plainLength, seq, state);
  }

  /** The other transforms' inbound path: the ICV verified before anything is decrypted. */
  private ByteBuf openWithTransform(
      ByteBufAllocator alloc, ByteBuf buf, int start, int length, long seq, EspThreadState state)
      throws EspException {
    int plainLength = length - 8 - transform.ivLength() - transform.icvLength();
    if (plainLength % transform.alignment() != 0) {
      throw refuse(EspException.Reason.TRUNCATED, "ESP payload of " + plainLength + " bytes");
    }
    ByteBuf out = alloc.heapBuffer(plainLength);
    boolean verified;
    synchronized (lock) { // one cipher per SA
      verified = transform.open(buf, start, length, out, seq, extendedSequenceNumbers);
    }
    if (!verified) {
      out.release();
      throw refuse(EspException.Reason.ICV, "ICV does not verify (SPI " + spi + ")");
    }
    return authentic(out, plainLength, seq, state);
  }

  /**
   * After the ICV verified: checks the window again and moves it, atomically (another thread may
   * have accepted the same number meanwhile), checks padding and next header, and gives the inner
   * datagram (or null for a dummy packet).
   */
  private ByteBuf authentic(ByteBuf out, int plainLength, long seq, EspThreadState state)
      throws EspException {
    byte[] plain = out.array();
    int plainAt = out.arrayOffset();
    int padLength = plain[plainAt + plainLength - 2] & 0xFF;
    int next = plain[plainAt + plainLength - 1] & 0xFF;
    int dataLength = plainLength - 2 - padLength;
    String badPadding = dataLength < 0 ? "pad length " + padLength + " exceeds the payload" : null;
    for (int i = 1; badPadding == null && i <= padLength; i++) {
      if (plain[plainAt + dataLength + i - 1] != (byte) i) {
        badPadding = "pad byte " + i + " is not " + i;
      }
    }
    boolean crossed = false;
    synchronized (lock) {
      long now = usage.packetClock();
      if (usage.hardExpired(now)) { // reached on another thread since the first look
        out.release();
        throw refuse(EspException.Reason.EXPIRED, "SA " + spi + " reached its hard lifetime");
      }
      if (window != null) {
        if (!window.check(seq)) {
          out.release();
          throw refuse(
              EspException.Reason.REPLAY,
              "sequence " + Long.toUnsignedString(seq) + ", accepted on another thread meanwhile");
        }
        long top = window.top();
        window.accept(seq);
        state.newest = Long.compareUnsigned(window.top(), top) > 0;
        numbers.published = window.top();
      }
      if (badPadding == null) {
        crossed = usage.count(dataLength, now);
      }
    }
    if (crossed) {
      softExpiryListener.accept(this);
    }
    try {
      if (badPadding != null) {
        throw refuse(EspException.Reason.PADDING, badPadding);
      }
      if (next == NEXT_DUMMY) {
        out.release();
        return null;
      }
      if (next != NEXT_IPV4) {
        throw refuse(
            EspException.Reason.NEXT_HEADER, "next header " + next + " in a tunnel-mode SA");
      }
    } catch (EspException e) {
      out.release();
      throw e;
    }
    return out.writerIndex(dataLength);
  }

  private void refuse(EspException.Reason reason) {
    refused.incrementAndGet(reason.ordinal());
  }

  private EspException refuse(EspException.Reason reason, String message) {
    refuse(reason);
    return new EspException(reason, message);
  }
}
