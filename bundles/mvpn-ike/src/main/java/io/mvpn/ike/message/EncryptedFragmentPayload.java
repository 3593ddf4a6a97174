package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Encrypted and Authenticated Fragment payload, SKF (RFC 7383 §2.5): always the last payload.
 *
 * <pre>
 * generic header (Next Payload: the first inner payload in fragment 1, else 0)
 * 4 Fragment Number (2, from 1) | 6 Total Fragments (2) | 8 IV, encrypted content, ICV
 * </pre>
 *
 * The body after the two numbers is kept as received; reassembly and decryption are the engine's
 * and the cipher's.
 *
 * @param innerNextPayload the first inner payload's type in fragment 1, {@link IkePayload#NONE} in
 *     the others
 * @param fragmentNumber 1 to {@code totalFragments}
 * @param totalFragments at least 1
 * @param body IV, ciphertext and ICV
 */
public record EncryptedFragmentPayload(
    int innerNextPayload, int fragmentNumber, int totalFragments, Octets body)
    implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public EncryptedFragmentPayload {
    IkeHeader.checkByte("inner next payload", innerNextPayload);
    IkeHeader.checkShort("fragment number", fragmentNumber);
    IkeHeader.checkShort("total fragments", totalFragments);
    Objects.requireNonNull(body, "body");
    String problem = problem(innerNextPayload, fragmentNumber, totalFragments);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  public static EncryptedFragmentPayload parse(int innerNextPayload, ByteBuf body)
      throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "SKF");
    int s = body.readerIndex();
    int number = body.getUnsignedShort(s);
    int total = body.getUnsignedShort(s + 2);
    String problem = problem(innerNextPayload, number, total);
    if (problem != null) {
      throw IkeFormatException.syntax(problem);
    }
    return new EncryptedFragmentPayload(
        innerNextPayload, number, total, Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  private static String problem(int next, int number, int total) {
    if (number == 0 || total == 0 || number > total) {
      return "SKF fragment " + number + " of " + total;
    }
    if (number > 1 && next != NONE) {
      return "SKF fragment " + number + " with Next Payload " + next;
    }
    return null;
  }

  @Override
  public int payloadType() {
    return SKF;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + body.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeShort(fragmentNumber);
    out.writeShort(totalFragments);
    body.writeTo(out);
  }

  @Override
  public String toString() {
    return "SKF "
        + fragmentNumber
        + "/"
        + totalFragments
        + "{"
        + IkePayload.typeName(innerNextPayload)
        + ", "
        + body.length()
        + " bytes}";
  }
}
