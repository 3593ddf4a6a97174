package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic Selector payload, TSi or TSr (RFC 7296 §3.13): Number of TSs (1), RESERVED (3), the
 * selectors. A packet matches the Child SA if it matches some TSi and some TSr.
 *
 * @param initiator TSi (true) or TSr (false)
 * @param selectors 1 to 255 selectors; a received count of 0 is a syntax error
 */
public record TrafficSelectorPayload(boolean initiator, List<TrafficSelector> selectors)
    implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public TrafficSelectorPayload {
    selectors = List.copyOf(selectors);
    if (selectors.isEmpty() || selectors.size() > 255) {
      throw new IllegalArgumentException("TS payload with " + selectors.size() + " selectors");
    }
  }

  public static TrafficSelectorPayload of(boolean initiator, TrafficSelector... selectors) {
    return new TrafficSelectorPayload(initiator, List.of(selectors));
  }

  public static TrafficSelectorPayload parse(boolean initiator, ByteBuf body)
      throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, initiator ? "TSi" : "TSr");
    int s = body.readerIndex();
    int end = body.writerIndex();
    int count = body.getUnsignedByte(s);
    if (count == 0) {
      throw IkeFormatException.syntax("TS payload with 0 selectors");
    }
    List<TrafficSelector> selectors = new ArrayList<>(count);
    int at = s + FIXED_LENGTH;
    for (int i = 0; i < count; i++) {
      TrafficSelector ts = TrafficSelector.parse(body, at, end);
      selectors.add(ts);
      at += ts.encodedLength();
    }
    if (at != end) {
      throw IkeFormatException.syntax((end - at) + " bytes after " + count + " traffic selectors");
    }
    return new TrafficSelectorPayload(initiator, selectors);
  }

  @Override
  public int payloadType() {
    return initiator ? TSI : TSR;
  }

  @Override
  public int bodyLength() {
    int total = FIXED_LENGTH;
    for (int i = 0; i < selectors.size(); i++) {
      total += selectors.get(i).encodedLength();
    }
    return total;
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(selectors.size());
    Payloads.reserved(out, 3);
    for (TrafficSelector ts : selectors) {
      ts.writeTo(out);
    }
  }

  @Override
  public String toString() {
    return (initiator ? "TSi " : "TSr ") + selectors;
  }
}
