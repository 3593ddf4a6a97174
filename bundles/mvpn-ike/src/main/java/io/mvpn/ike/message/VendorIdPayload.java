package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Vendor ID payload, V (RFC 7296 §3.12): opaque bytes, usually a hash of a vendor string.
 *
 * @param data the vendor ID
 */
public record VendorIdPayload(Octets data) implements IkePayload {

  public VendorIdPayload {
    Objects.requireNonNull(data, "data");
  }

  public static VendorIdPayload parse(ByteBuf body) {
    return new VendorIdPayload(Payloads.bytes(body));
  }

  @Override
  public int payloadType() {
    return VENDOR_ID;
  }

  @Override
  public int bodyLength() {
    return data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "V " + data;
  }
}
