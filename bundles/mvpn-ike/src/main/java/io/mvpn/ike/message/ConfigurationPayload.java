package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration payload, CP (RFC 7296 §3.15): CFG Type (1), RESERVED (3), attributes. A remote
 * access client sends CFG_REQUEST in IKE_AUTH and gets CFG_REPLY.
 *
 * @param cfgType {@link #CFG_REQUEST}, {@link #CFG_REPLY}, {@link #CFG_SET}, {@link #CFG_ACK}
 * @param attributes in order
 */
public record ConfigurationPayload(int cfgType, List<ConfigurationAttribute> attributes)
    implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public static final int CFG_REQUEST = 1;
  public static final int CFG_REPLY = 2;
  public static final int CFG_SET = 3;
  public static final int CFG_ACK = 4;

  public ConfigurationPayload {
    IkeHeader.checkByte("CFG type", cfgType);
    attributes = List.copyOf(attributes);
  }

  public static ConfigurationPayload of(int cfgType, ConfigurationAttribute... attributes) {
    return new ConfigurationPayload(cfgType, List.of(attributes));
  }

  public static ConfigurationPayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "CP");
    int end = body.writerIndex();
    List<ConfigurationAttribute> attributes = new ArrayList<>(4);
    int at = body.readerIndex() + FIXED_LENGTH;
    while (at < end) {
      ConfigurationAttribute a = ConfigurationAttribute.parse(body, at, end);
      attributes.add(a);
      at += a.encodedLength();
    }
    return new ConfigurationPayload(body.getUnsignedByte(body.readerIndex()), attributes);
  }

  /** The first attribute of this type, or null. */
  public ConfigurationAttribute attribute(int type) {
    for (ConfigurationAttribute a : attributes) {
      if (a.type() == type) {
        return a;
      }
    }
    return null;
  }

  @Override
  public int payloadType() {
    return CP;
  }

  @Override
  public int bodyLength() {
    int total = FIXED_LENGTH;
    for (ConfigurationAttribute a : attributes) {
      total += a.encodedLength();
    }
    return total;
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(cfgType);
    Payloads.reserved(out, 3);
    for (ConfigurationAttribute a : attributes) {
      a.writeTo(out);
    }
  }

  @Override
  public String toString() {
    return "CP type " + cfgType + " " + attributes;
  }
}
