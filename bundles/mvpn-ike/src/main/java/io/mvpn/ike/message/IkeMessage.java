package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An IKEv2 message (RFC 7296 §3): the {@link IkeHeader} and its payloads in order. Immutable; the
 * header's Next Payload and Length always agree with the payloads (the constructor sets them).
 *
 * <p>A protected message is sent as {@code HDR, SK{inner payloads}}: build the message with the
 * inner payloads and call {@link #encodeWithSk}. A received one parses to a message whose last
 * payload is an {@link EncryptedPayload}; {@link #openSk} returns the inner payloads. The AAD of
 * both is the message from the header's first byte through the SK generic header (RFC 5282 §5.1); a
 * parsed message keeps those bytes as received.
 */
public final class IkeMessage {

  private final IkeHeader header;
  private final List<IkePayload> payloads;

  /** The received bytes from the header through the SK generic header; null if not parsed. */
  private final byte[] receivedSkAad;

  /**
   * A message of these payloads. An {@link EncryptedPayload} or {@link EncryptedFragmentPayload}
   * may only come last. The header's Next Payload and Length are replaced by the payloads'.
   */
  public IkeMessage(IkeHeader header, List<IkePayload> payloads) {
    this(header, Payloads.check(payloads, true), null);
  }

  private IkeMessage(IkeHeader header, List<IkePayload> payloads, byte[] receivedSkAad) {
    Objects.requireNonNull(header, "header");
    this.payloads = payloads;
    this.header =
        header.withChain(
            Payloads.firstType(payloads), IkeHeader.LENGTH + Payloads.encodedLength(payloads));
    this.receivedSkAad = receivedSkAad;
  }

  public static IkeMessage of(IkeHeader header, IkePayload... payloads) {
    return new IkeMessage(header, List.of(payloads));
  }

  /**
   * The message that is the buffer's readable bytes, one UDP/500 payload. The reader index is not
   * moved and the buffer is not retained.
   *
   * @throws IkeFormatException with the header attached whenever its 28 bytes were there
   */
  public static IkeMessage parse(ByteBuf datagram) throws IkeFormatException {
    IkeHeader header = IkeHeader.parse(datagram);
    int s = datagram.readerIndex();
    int end = datagram.writerIndex();
    List<IkePayload> payloads;
    try {
      payloads =
          Payloads.parseChain(datagram, s + IkeHeader.LENGTH, end, header.nextPayload(), false);
    } catch (IkeFormatException e) {
      throw e.withHeader(header);
    }
    byte[] aad = null;
    IkePayload last = payloads.isEmpty() ? null : payloads.get(payloads.size() - 1);
    if (last instanceof EncryptedPayload sk) {
      aad = new byte[end - s - sk.bodyLength()];
      datagram.getBytes(s, aad);
    } else if (last instanceof EncryptedFragmentPayload skf) {
      // RFC 7383 §2.5: the AAD runs through Fragment Number and Total Fragments.
      aad = new byte[end - s - skf.body().length()];
      datagram.getBytes(s, aad);
    }
    return new IkeMessage(header, List.copyOf(payloads), aad);
  }

  /**
   * The IKE message of a UDP/4500 payload: four zero bytes (the non-ESP marker), then the message.
   * A payload without the marker is ESP, not IKE (RFC 3948 §2.2).
   */
  public static IkeMessage parseFromPort4500(ByteBuf udpPayload) throws IkeFormatException {
    if (!hasNonEspMarker(udpPayload)) {
      throw IkeFormatException.syntax("UDP/4500 payload without the non-ESP marker");
    }
    return parse(
        udpPayload.slice(
            udpPayload.readerIndex() + IkeHeader.NON_ESP_MARKER_LENGTH,
            udpPayload.readableBytes() - IkeHeader.NON_ESP_MARKER_LENGTH));
  }

  /** Whether a UDP/4500 payload starts with the non-ESP marker (an ESP SPI is never 0). */
  public static boolean hasNonEspMarker(ByteBuf udpPayload) {
    return udpPayload.readableBytes() >= IkeHeader.NON_ESP_MARKER_LENGTH
        && udpPayload.getInt(udpPayload.readerIndex()) == 0;
  }

  public IkeHeader header() {
    return header;
  }

  public List<IkePayload> payloads() {
    return payloads;
  }

  /** Bytes on the wire: {@code header().length()}. */
  public int encodedLength() {
    return (int) header.length();
  }

  /** Appends the message at the writer index. */
  public void writeTo(ByteBuf out) {
    header.writeTo(out);
    Payloads.writeChain(payloads, out);
  }

  /** The message in a new buffer of exactly {@link #encodedLength()} bytes. */
  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(encodedLength(), encodedLength());
    writeTo(out);
    return out;
  }

  /** As {@link #encode} with the 4-byte non-ESP marker in front, for UDP/4500. */
  public ByteBuf encodeForPort4500(ByteBufAllocator alloc) {
    int length = IkeHeader.NON_ESP_MARKER_LENGTH + encodedLength();
    ByteBuf out = alloc.buffer(length, length);
    out.writeZero(IkeHeader.NON_ESP_MARKER_LENGTH);
    writeTo(out);
    return out;
  }

  /** The encoded message as a byte array (the AUTH payload signs IKE_SA_INIT messages whole). */
  public byte[] toByteArray() {
    ByteBuf out = Unpooled.buffer(encodedLength(), encodedLength());
    writeTo(out);
    return out.array();
  }

  /**
   * {@code HDR, SK{payloads}}: all of this message's payloads encrypted into one SK payload. The
   * header's Length and the SK Payload Length come from {@link SkCipher#sealedLength}; the AAD
   * passed to {@link SkCipher#seal} is the 28-byte header and the SK generic header.
   *
   * @throws IllegalStateException if the message already holds an SK or SKF payload, or the cipher
   *     returns another length than it announced
   */
  public ByteBuf encodeWithSk(ByteBufAllocator alloc, SkCipher cipher) {
    if (!payloads.isEmpty() && Payloads.isEncrypted(payloads.get(payloads.size() - 1))) {
      throw new IllegalStateException("message already encrypted");
    }
    int innerLength = Payloads.encodedLength(payloads);
    ByteBuf inner = Unpooled.buffer(innerLength, innerLength);
    Payloads.writeChain(payloads, inner);
    int bodyLength = cipher.sealedLength(innerLength);
    if (bodyLength < 0 || bodyLength > IkePayload.MAX_BODY_LENGTH) {
      throw new IllegalStateException("SK body of " + bodyLength + " bytes");
    }
    int aadLength = IkeHeader.LENGTH + IkePayload.GENERIC_HEADER_LENGTH;
    int total = aadLength + bodyLength;
    ByteBuf out = alloc.buffer(total, total);
    header.withChain(IkePayload.SK, total).writeTo(out);
    out.writeByte(Payloads.firstType(payloads));
    out.writeByte(0);
    out.writeShort(IkePayload.GENERIC_HEADER_LENGTH + bodyLength);
    byte[] aad = new byte[aadLength];
    out.getBytes(out.readerIndex(), aad);
    byte[] body = cipher.seal(aad, inner.array());
    if (body.length != bodyLength) {
      out.release();
      throw new IllegalStateException(
          "cipher sealed " + body.length + " bytes, announced " + bodyLength);
    }
    out.writeBytes(body);
    return out;
  }

  /**
   * {@code HDR, SKF{payloads}} (RFC 7383 §2.5): this message's payloads encoded, cut into pieces
   * and each piece encrypted on its own into one message of {@code maxLength} bytes at most,
   * numbered from 1, the first naming the first inner payload. One fragment if it all fits in one.
   * Each fragment's AAD runs from the header through the SKF payload's Total Fragments field.
   *
   * @throws IllegalArgumentException if not even one byte of payload fits in {@code maxLength}, or
   *     it would take more than 65535 fragments
   * @throws IllegalStateException if the message already holds an SK or SKF payload
   */
  public List<byte[]> encodeFragments(SkCipher cipher, int maxLength) {
    if (!payloads.isEmpty() && Payloads.isEncrypted(payloads.get(payloads.size() - 1))) {
      throw new IllegalStateException("message already encrypted");
    }
    int innerLength = Payloads.encodedLength(payloads);
    ByteBuf inner = Unpooled.buffer(innerLength, innerLength);
    Payloads.writeChain(payloads, inner);
    int aadLength =
        IkeHeader.LENGTH + IkePayload.GENERIC_HEADER_LENGTH + EncryptedFragmentPayload.FIXED_LENGTH;
    int budget = maxLength - aadLength;
    int chunk = budget;
    while (chunk > 0 && cipher.sealedLength(chunk) > budget) {
      chunk--;
    }
    if (chunk <= 0) {
      throw new IllegalArgumentException("no room for a fragment in " + maxLength + " bytes");
    }
    int total = Math.max(1, (innerLength + chunk - 1) / chunk);
    if (total > 0xFFFF) {
      throw new IllegalArgumentException(innerLength + " bytes in fragments of " + chunk);
    }
    List<byte[]> fragments = new ArrayList<>(total);
    for (int number = 1; number <= total; number++) {
      int from = (number - 1) * chunk;
      byte[] piece = new byte[Math.min(chunk, innerLength - from)];
      inner.getBytes(from, piece);
      int bodyLength = cipher.sealedLength(piece.length);
      int length = aadLength + bodyLength;
      ByteBuf out = Unpooled.buffer(length, length);
      header.withChain(IkePayload.SKF, length).writeTo(out);
      out.writeByte(number == 1 ? Payloads.firstType(payloads) : IkePayload.NONE);
      out.writeByte(0);
      out.writeShort(length - IkeHeader.LENGTH);
      out.writeShort(number);
      out.writeShort(total);
      byte[] aad = new byte[aadLength];
      out.getBytes(0, aad);
      byte[] body = cipher.seal(aad, piece);
      if (body.length != bodyLength) {
        throw new IllegalStateException(
            "cipher sealed " + body.length + " bytes, announced " + bodyLength);
      }
      out.writeBytes(body);
      fragments.add(out.array());
    }
    return fragments;
  }

  /**
   * The decrypted content of the last payload, an SKF payload: one piece of the inner payloads of
   * the message it is a fragment of (RFC 7383 §2.6), Padding and Pad Length removed.
   *
   * @throws IllegalStateException if the message has no SKF payload or was not parsed
   * @throws GeneralSecurityException if the fragment does not verify: drop it
   */
  public byte[] openFragment(SkCipher cipher) throws GeneralSecurityException {
    EncryptedFragmentPayload skf = encryptedFragment();
    if (skf == null || receivedSkAad == null) {
      throw new IllegalStateException("no received SKF payload in " + this);
    }
    return cipher.open(receivedSkAad.clone(), skf.body().toByteArray());
  }

  /**
   * The message whose fragments were reassembled: {@code header} with the payloads that tile {@code
   * innerPayloads}, the first of type {@code firstType} (fragment 1's Next Payload).
   */
  public static IkeMessage reassembled(IkeHeader header, int firstType, byte[] innerPayloads)
      throws IkeFormatException {
    ByteBuf buf = Unpooled.wrappedBuffer(innerPayloads);
    try {
      return new IkeMessage(
          header, List.copyOf(Payloads.parseChain(buf, 0, innerPayloads.length, firstType, true)));
    } catch (IkeFormatException e) {
      throw e.withHeader(header);
    }
  }

  /** The last payload if it is an SKF payload, else null. */
  public EncryptedFragmentPayload encryptedFragment() {
    return !payloads.isEmpty()
            && payloads.get(payloads.size() - 1) instanceof EncryptedFragmentPayload skf
        ? skf
        : null;
  }

  /**
   * The payloads inside the last payload, an SK payload, decrypted with {@code cipher} and parsed
   * like the outer chain (an unknown critical payload inside is {@link
   * IkeFormatException.Reason#UNSUPPORTED_CRITICAL_PAYLOAD}; SK inside SK is a syntax error).
   *
   * @throws IllegalStateException if the message has no SK payload
   * @throws GeneralSecurityException if the cipher rejects the body: drop the message
   */
  public List<IkePayload> openSk(SkCipher cipher)
      throws IkeFormatException, GeneralSecurityException {
    return List.copyOf(openInner(cipher));
  }

  /** {@link #openSk}'s payloads as parsed, in a list of the parser's. */
  private List<IkePayload> openInner(SkCipher cipher)
      throws IkeFormatException, GeneralSecurityException {
    EncryptedPayload sk = encryptedPayload();
    if (sk == null) {
      throw new IllegalStateException("no SK payload in " + this);
    }
    byte[] plain = cipher.open(skAad(), sk.body().toByteArray());
    ByteBuf buf = Unpooled.wrappedBuffer(plain);
    try {
      return Payloads.parseChain(buf, 0, plain.length, sk.innerNextPayload(), true);
    } catch (IkeFormatException e) {
      throw e.withHeader(header);
    }
  }

  /** This message with the SK payload replaced by its decrypted inner payloads. */
  public IkeMessage opened(SkCipher cipher) throws IkeFormatException, GeneralSecurityException {
    List<IkePayload> inner = openInner(cipher);
    List<IkePayload> all = new ArrayList<>(payloads.size() - 1 + inner.size());
    all.addAll(payloads.subList(0, payloads.size() - 1));
    all.addAll(inner);
    // Copied once and not checked again: every payload was parsed, so each body fits its 16-bit
    // length, and the parser let no SK or SKF payload in among them.
    return new IkeMessage(header, List.copyOf(all), null);
  }

  /** The last payload if it is an SK payload, else null. */
  public EncryptedPayload encryptedPayload() {
    return !payloads.isEmpty() && payloads.get(payloads.size() - 1) instanceof EncryptedPayload sk
        ? sk
        : null;
  }

  /** The bytes from the header's first byte through the SK generic header. */
  private byte[] skAad() {
    if (receivedSkAad != null) {
      return receivedSkAad.clone();
    }
    int length = encodedLength() - encryptedPayload().bodyLength();
    ByteBuf out = Unpooled.buffer(encodedLength(), encodedLength());
    writeTo(out);
    byte[] aad = new byte[length];
    out.getBytes(0, aad);
    return aad;
  }

  /** The first payload of this class, or null. */
  public <T extends IkePayload> T first(Class<T> type) {
    for (int i = 0; i < payloads.size(); i++) {
      IkePayload p = payloads.get(i);
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
    return null;
  }

  /** All payloads of this class, in order. */
  public <T extends IkePayload> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>(2);
    for (int i = 0; i < payloads.size(); i++) {
      IkePayload p = payloads.get(i);
      if (type.isInstance(p)) {
        out.add(type.cast(p));
      }
    }
    return out;
  }

  /** The first Notify of this type, or null. */
  public NotifyPayload notification(int notifyType) {
    for (int i = 0; i < payloads.size(); i++) {
      if (payloads.get(i) instanceof NotifyPayload n && n.notifyType() == notifyType) {
        return n;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IkeMessage other
        && header.equals(other.header)
        && payloads.equals(other.payloads);
  }

  @Override
  public int hashCode() {
    return 31 * header.hashCode() + payloads.hashCode();
  }

  @Override
  public String toString() {
    return header + " " + payloads;
  }
}
