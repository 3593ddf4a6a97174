package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Security Association payload, SA (RFC 7296 §3.3): one or more {@link Proposal}s, each with its
 * {@link Transform}s. An empty proposal list cannot be sent; a received one is a syntax error.
 *
 * @param proposals in order of preference
 */
public record SecurityAssociationPayload(List<Proposal> proposals) implements IkePayload {

  public SecurityAssociationPayload {
    proposals = List.copyOf(proposals);
    if (proposals.isEmpty()) {
      throw new IllegalArgumentException("SA payload without proposals");
    }
  }

  public static SecurityAssociationPayload of(Proposal... proposals) {
    return new SecurityAssociationPayload(List.of(proposals));
  }

  public static SecurityAssociationPayload parse(ByteBuf body) throws IkeFormatException {
    int at = body.readerIndex();
    int end = body.writerIndex();
    List<Proposal> found = new ArrayList<>(2);
    boolean last = false;
    while (!last) {
      if (at == end) {
        throw IkeFormatException.syntax(
            found.isEmpty()
                ? "SA payload without proposals"
                : "SA payload ends after a proposal marked 'more'");
      }
      last = body.getUnsignedByte(at) == 0;
      Proposal proposal = Proposal.parse(body, at, end, last);
      found.add(proposal);
      at += proposal.encodedLength();
    }
    if (at != end) {
      throw IkeFormatException.syntax((end - at) + " bytes after the last proposal");
    }
    return new SecurityAssociationPayload(found);
  }

  @Override
  public int payloadType() {
    return SA;
  }

  @Override
  public int bodyLength() {
    int total = 0;
    for (int i = 0; i < proposals.size(); i++) {
      total += proposals.get(i).encodedLength();
    }
    return total;
  }

  @Override
  public void writeBody(ByteBuf out) {
    for (int i = 0; i < proposals.size(); i++) {
      proposals.get(i).writeTo(out, i == proposals.size() - 1);
    }
  }

  /** The proposal with this number, or null. */
  public Proposal proposal(int number) {
    for (Proposal p : proposals) {
      if (p.number() == number) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "SA " + proposals;
  }
}
