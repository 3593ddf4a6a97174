package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
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
 * <p>Not thread-safe: an SA belongs to one engine thread.
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
  private Ipv4Address tunnelSource; // null: any (inbound only)
  private Ipv4Address tunnelDestination;
  // ESP in UDP (RFC 3948): 4500 at both ends unless a NAT on the path mapped the peer's elsewhere.
  private volatile int udpSourcePort = EspInUdp.PORT;
  private volatile int udpDestinationPort = EspInUdp.PORT;
  private final boolean extendedSequenceNumbers;
  private final SecretKeySpec key;
  private final byte[] salt;
  private final Cipher cipher;
  private final EspTransform transform; // null: AES-GCM, inline (the benchmarked path)
  private final ReplayWindow window;
  private final byte[] nonce = new byte[12];
  private final byte[] aad;
  private final Map<EspException.Reason, Long> refused = new EnumMap<>(EspException.Reason.class);
  private long sequence; // outbound: the last one sent
  private long packets;
  private long bytes;
  private Lifetime lifetime = Lifetime.UNLIMITED;
  private LongSupplier clock = () -> 0L;
  private long createdNanos;
  private boolean timed; // a limit in seconds: the clock is read once per packet
  private long packetNanos; // the clock at the packet being processed
  private boolean softExpired;
  private Consumer<EspSecurityAssociation> softExpiryListener = sa -> {};
  private byte[] scratch = new byte[0]; // inbound: ciphertext that has no usable array

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
    this.aad = new byte[extendedSequenceNumbers ? 12 : 8];
    this.window =
        direction == Direction.INBOUND && replayWindow > 0 ? new ReplayWindow(replayWindow) : null;
    if (transform != null) {
      key = null;
      salt = null;
      cipher = null;
      return;
    }
    this.key = new SecretKeySpec(keyMaterial, 0, keyMaterial.length - SALT_LENGTH, "AES");
    this.salt =
        Arrays.copyOfRange(keyMaterial, keyMaterial.length - SALT_LENGTH, keyMaterial.length);
    try {
      cipher = AesGcm.newCipher();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
    }
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
    return direction == Direction.OUTBOUND ? sequence : window == null ? 0 : window.top();
  }

  /**
   * Continues the SA above a sequence number an earlier instance of it reserved: outbound it sends
   * from the next one on, so no number repeats under the key (RFC 4303 §3.3.3); inbound it refuses
   * everything up to it as a replay.
   */
  public void resumeAfter(long reserved) {
    if (direction == Direction.OUTBOUND) {
      sequence = Long.compareUnsigned(reserved, sequence) > 0 ? reserved : sequence;
    } else if (window != null) {
      window.startAbove(reserved);
    }
  }

  public long packets() {
    return packets;
  }

  public long bytes() {
    return bytes;
  }

  public long refused(EspException.Reason reason) {
    return refused.getOrDefault(reason, 0L);
  }

  /**
   * Sets the SA's lifetimes, counted from now on {@code clockNanos} (the engine's scheduler time).
   * {@code onSoftExpiry} runs once, on the packet that crosses a soft limit: the owner re-keys.
   */
  public void setLifetime(
      Lifetime lifetime, LongSupplier clockNanos, Consumer<EspSecurityAssociation> onSoftExpiry) {
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.clock = Objects.requireNonNull(clockNanos, "clockNanos");
    this.softExpiryListener = Objects.requireNonNull(onSoftExpiry, "onSoftExpiry");
    this.createdNanos = clockNanos.getAsLong();
    this.timed = lifetime.softNanos() != Long.MAX_VALUE || lifetime.hardNanos() != Long.MAX_VALUE;
    this.softExpired = false;
  }

  public Lifetime lifetime() {
    return lifetime;
  }

  /** True once a soft limit was crossed. */
  public boolean softExpired() {
    return softExpired;
  }

  /** True once a hard limit is reached: the SA neither sends nor accepts any more. */
  public boolean hardExpired() {
    return hardExpired(clock.getAsLong());
  }

  private boolean hardExpired(long now) {
    return packets >= lifetime.hardPackets()
        || bytes >= lifetime.hardBytes()
        || now - createdNanos >= lifetime.hardNanos();
  }

  /** The clock for this packet's lifetime checks; not read at all when no limit is in seconds. */
  private long packetClock() {
    packetNanos = timed ? clock.getAsLong() : createdNanos;
    return packetNanos;
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
    long seq = nextSequence();
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
    long seq = nextSequence();
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
    long seq = nextSequence();
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

  /** Checks that the SA may send, and takes the next sequence number. */
  private long nextSequence() throws EspException {
    if (direction != Direction.OUTBOUND) {
      throw new IllegalStateException("SA " + spi + " is inbound");
    }
    long limit = extendedSequenceNumbers ? -1L : 0xFFFFFFFFL; // -1: 2^64 - 1 unsigned
    if (Long.compareUnsigned(sequence, limit) >= 0 || hardExpired(packetClock())) {
      refuse(EspException.Reason.EXPIRED);
      throw new EspException(
          EspException.Reason.EXPIRED, "SA " + spi + " must be re-keyed before it sends again");
    }
    return ++sequence;
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
        transform.seal(a, at, plainLength, seq, extendedSequenceNumbers);
      } else {
        // The IV: the sequence number, unique under the key (RFC 4106 §3.1).
        EspFraming.putLong(a, at + 8, seq);
        init(Cipher.ENCRYPT_MODE, seq, seq);
        cipher.doFinal(a, plainAt, plainLength, a, plainAt);
      }
      out.writerIndex(out.writerIndex() + espLength);
      count(innerLength);
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
   * one; a packet in a direct or composite buffer is first copied into a scratch array of this SA.
   */
  public ByteBuf open(ByteBufAllocator alloc, ByteBuf buf, int start, int length)
      throws EspException {
    if (direction != Direction.INBOUND) {
      throw new IllegalStateException("SA " + spi + " is outbound");
    }
    if (length < (transform == null ? 8 + IV_LENGTH + 2 + ICV_LENGTH : transform.minimumLength())) {
      throw refuse(EspException.Reason.TRUNCATED, "ESP packet of " + length + " bytes");
    }
    if (hardExpired(packetClock())) {
      throw refuse(EspException.Reason.EXPIRED, "SA " + spi + " reached its hard lifetime");
    }
    int low = buf.getInt(start + 4);
    long seq = window == null ? (low & 0xFFFFFFFFL) : window.infer(low);
    if (window != null && !window.check(seq)) {
      throw refuse(EspException.Reason.REPLAY, "sequence " + Long.toUnsignedString(seq));
    }
    if (transform != null) {
      return openWithTransform(alloc, buf, start, length, seq);
    }
    int cipherAt = start + 8 + IV_LENGTH;
    int cipherLength = length - 8 - IV_LENGTH;
    int plainLength = cipherLength - ICV_LENGTH;
    ByteBuf out = alloc.heapBuffer(plainLength);
    try {
      init(Cipher.DECRYPT_MODE, buf.getLong(start + 8), seq);
      byte[] dst = out.array();
      int dstAt = out.arrayOffset();
      byte[] src;
      int srcAt;
      // The JDK copies the whole input when both sides share an array and the output does not lie
      // before the input, as two buffers of one pooled chunk may: cheaper to copy it here, once.
      if (buf.hasArray()
          && (buf.array() != dst || buf.arrayOffset() + cipherAt > dstAt + plainLength)) {
        src = buf.array();
        srcAt = buf.arrayOffset() + cipherAt;
      } else {
        src = scratch(cipherLength);
        srcAt = 0;
        buf.getBytes(cipherAt, src, 0, cipherLength);
      }
      cipher.doFinal(src, srcAt, cipherLength, dst, dstAt);
    } catch (AEADBadTagException e) {
      out.release();
      throw refuse(EspException.Reason.ICV, "ICV does not verify (SPI " + spi + ")");
    } catch (GeneralSecurityException e) {
      out.release();
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
    return authentic(out, plainLength, seq);
  }

  /** The other transforms' inbound path: the ICV verified before anything is decrypted. */
  private ByteBuf openWithTransform(
      ByteBufAllocator alloc, ByteBuf buf, int start, int length, long seq) throws EspException {
    int plainLength = length - 8 - transform.ivLength() - transform.icvLength();
    if (plainLength % transform.alignment() != 0) {
      throw refuse(EspException.Reason.TRUNCATED, "ESP payload of " + plainLength + " bytes");
    }
    ByteBuf out = alloc.heapBuffer(plainLength);
    if (!transform.open(buf, start, length, out, seq, extendedSequenceNumbers)) {
      out.release();
      throw refuse(EspException.Reason.ICV, "ICV does not verify (SPI " + spi + ")");
    }
    return authentic(out, plainLength, seq);
  }

  /**
   * After the ICV verified: moves the window, checks padding and next header, and gives the inner
   * datagram (or null for a dummy packet).
   */
  private ByteBuf authentic(ByteBuf out, int plainLength, long seq) throws EspException {
    if (window != null) {
      window.accept(seq);
    }
    byte[] plain = out.array();
    int plainAt = out.arrayOffset();
    int padLength = plain[plainAt + plainLength - 2] & 0xFF;
    int next = plain[plainAt + plainLength - 1] & 0xFF;
    int dataLength = plainLength - 2 - padLength;
    try {
      if (dataLength < 0) {
        throw refuse(
            EspException.Reason.PADDING, "pad length " + padLength + " exceeds the payload");
      }
      for (int i = 1; i <= padLength; i++) {
        if (plain[plainAt + dataLength + i - 1] != (byte) i) {
          throw refuse(EspException.Reason.PADDING, "pad byte " + i + " is not " + i);
        }
      }
      count(dataLength);
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

  /** A scratch array of at least {@code length} bytes, kept for the SA's next packets. */
  private byte[] scratch(int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2048)];
    }
    return scratch;
  }

  private void count(int dataBytes) {
    packets++;
    bytes += dataBytes;
    if (!softExpired
        && (packets >= lifetime.softPackets()
            || bytes >= lifetime.softBytes()
            || packetNanos - createdNanos >= lifetime.softNanos())) {
      softExpired = true;
      softExpiryListener.accept(this);
    }
  }

  /** Nonce = salt + IV (RFC 4106 §4); AAD = SPI + sequence, 32 or 64 bits (§5). */
  private void init(int mode, long iv, long seq) throws GeneralSecurityException {
    System.arraycopy(salt, 0, nonce, 0, SALT_LENGTH);
    for (int i = 0; i < 8; i++) {
      nonce[SALT_LENGTH + i] = (byte) (iv >>> (56 - 8 * i));
    }
    EspFraming.putInt(aad, 0, spi);
    if (extendedSequenceNumbers) {
      EspFraming.putInt(aad, 4, (int) (seq >>> 32));
      EspFraming.putInt(aad, 8, (int) seq);
    } else {
      EspFraming.putInt(aad, 4, (int) seq);
    }
    cipher.init(mode, key, new GCMParameterSpec(ICV_LENGTH * 8, nonce));
    cipher.updateAAD(aad);
  }

  private void refuse(EspException.Reason reason) {
    refused.merge(reason, 1L, Long::sum);
  }

  private EspException refuse(EspException.Reason reason, String message) {
    refuse(reason);
    return new EspException(reason, message);
  }
}
