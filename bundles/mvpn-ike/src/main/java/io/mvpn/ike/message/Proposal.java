package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One Proposal substructure of an SA payload (RFC 7296 §3.3.1):
 *
 * <pre>
 * 0 Last (0 last, 2 more) | 1 RESERVED | 2 Proposal Length (2)
 * 4 Proposal Num | 5 Protocol ID | 6 SPI Size | 7 Num Transforms | 8 SPI | transforms
 * </pre>
 *
 * @param number 1 for the first proposal, each next one more (§3.3.1); a responder echoes the
 *     number it picked
 * @param protocolId {@link #IKE}, {@link #AH}, {@link #ESP}
 * @param spi empty in the first IKE_SA_INIT, 8 bytes for IKE on rekey, 4 for ESP and AH
 * @param transforms at least one, in order
 */
public record Proposal(int number, int protocolId, Octets spi, List<Transform> transforms) {

  public static final int FIXED_LENGTH = 8;

  /** The Last field of a proposal that is followed by another. */
  public static final int MORE = 2;

  public static final int IKE = 1;
  public static final int AH = 2;
  public static final int ESP = 3;

  public Proposal {
    IkeHeader.checkByte("proposal number", number);
    IkeHeader.checkByte("protocol ID", protocolId);
    Objects.requireNonNull(spi, "spi");
    IkeHeader.checkByte("SPI size", spi.length());
    transforms = List.copyOf(transforms);
    IkeHeader.checkByte("transform count", transforms.size());
  }

  /** A proposal with no SPI (the IKE SA in IKE_SA_INIT). */
  public static Proposal of(int number, int protocolId, Transform... transforms) {
    return new Proposal(number, protocolId, Octets.EMPTY, List.of(transforms));
  }

  /** The transforms of one type, in order. */
  public List<Transform> transforms(int transformType) {
    List<Transform> out = new ArrayList<>(2);
    for (Transform t : transforms) {
      if (t.type() == transformType) {
        out.add(t);
      }
    }
    return out;
  }

  public int encodedLength() {
    int total = FIXED_LENGTH + spi.length();
    for (int i = 0; i < transforms.size(); i++) {
      total += transforms.get(i).encodedLength();
    }
    return total;
  }

  /**
   * The proposal at {@code at}; {@code end} is the end of the SA payload. Its SPI and transforms
   * tile it exactly, so the bytes read are {@link #encodedLength()}.
   */
  static Proposal parse(ByteBuf buf, int at, int end, boolean last) throws IkeFormatException {
    if (end - at < FIXED_LENGTH) {
      throw IkeFormatException.syntax("proposal cut after " + (end - at) + " bytes");
    }
    int marker = buf.getUnsignedByte(at);
    if (marker != (last ? 0 : MORE)) {
      throw IkeFormatException.syntax(
          "proposal Last field " + marker + (last ? " on the last proposal" : ", more follow"));
    }
    int len = buf.getUnsignedShort(at + 2);
    int spiSize = buf.getUnsignedByte(at + 6);
    int count = buf.getUnsignedByte(at + 7);
    if (len < FIXED_LENGTH + spiSize || len > end - at) {
      throw IkeFormatException.syntax(
          "proposal length " + len + " with SPI size " + spiSize + ", " + (end - at) + " left");
    }
    int pEnd = at + len;
    int t = at + FIXED_LENGTH + spiSize;
    List<Transform> transforms = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Transform transform = Transform.parse(buf, t, pEnd, i == count - 1);
      transforms.add(transform);
      t += transform.encodedLength();
    }
    if (t != pEnd) {
      throw IkeFormatException.syntax(
          (pEnd - t) + " bytes after the " + count + " transforms of proposal");
    }
    return new Proposal(
        buf.getUnsignedByte(at + 4),
        buf.getUnsignedByte(at + 5),
        Octets.copyOf(buf, at + FIXED_LENGTH, spiSize),
        transforms);
  }

  void writeTo(ByteBuf out, boolean last) {
    out.writeByte(last ? 0 : MORE);
    out.writeByte(0);
    out.writeShort(encodedLength());
    out.writeByte(number);
    out.writeByte(protocolId);
    out.writeByte(spi.length());
    out.writeByte(transforms.size());
    spi.writeTo(out);
    for (int i = 0; i < transforms.size(); i++) {
      transforms.get(i).writeTo(out, i == transforms.size() - 1);
    }
  }

  @Override
  public String toString() {
    String[] protocols = {"?", "IKE", "AH", "ESP"};
    String name = protocolId < protocols.length ? protocols[protocolId] : "proto " + protocolId;
    return "#" + number + " " + name + (spi.isEmpty() ? "" : " spi " + spi) + " " + transforms;
  }
}
