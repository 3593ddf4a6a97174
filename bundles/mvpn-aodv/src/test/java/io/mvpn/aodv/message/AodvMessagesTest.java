package io.mvpn.aodv.message;

import static io.mvpn.aodv.message.AodvSamples.ALLOC;
import static io.mvpn.aodv.message.AodvSamples.buffer;
import static io.mvpn.aodv.message.AodvSamples.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.aodv.message.AodvFormatException.Reason;
import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Byte-exact layouts of RFC 3561 §5, round trips of every flag, and the typed errors. */
class AodvMessagesTest {

  private static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
  private static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");

  @Test
  void routeRequestLayout() throws Exception {
    assertThat(hex(AodvSamples.RREQ)).isEqualTo(AodvSamples.RREQ_HEX);
    RouteRequest parsed = (RouteRequest) AodvMessages.parse(buffer(AodvSamples.RREQ_HEX));
    assertThat(parsed).isEqualTo(AodvSamples.RREQ);
    assertThat(parsed.hasFlag(RouteRequest.JOIN)).isTrue();
    assertThat(parsed.hasFlag(RouteRequest.REPAIR)).isFalse();
    assertThat(parsed.hasFlag(RouteRequest.GRATUITOUS)).isTrue();
    assertThat(parsed.hasFlag(RouteRequest.DESTINATION_ONLY)).isFalse();
    assertThat(parsed.destinationSequenceKnown()).isFalse();
    assertThat(parsed.rreqId()).isEqualTo(0x01020304);
    assertThat(parsed.originator()).isEqualTo(Ipv4Address.parse("192.168.1.2"));
    assertThat(SequenceNumbers.toLong(parsed.originatorSequence())).isEqualTo(4294967294L);
    assertThat(parsed.encodedLength()).isEqualTo(24);
  }

  @Test
  void routeReplyLayout() throws Exception {
    assertThat(hex(AodvSamples.RREP)).isEqualTo(AodvSamples.RREP_HEX);
    RouteReply parsed = (RouteReply) AodvMessages.parse(buffer(AodvSamples.RREP_HEX));
    assertThat(parsed).isEqualTo(AodvSamples.RREP);
    assertThat(parsed.hasFlag(RouteReply.ACK_REQUIRED)).isTrue();
    assertThat(parsed.hasFlag(RouteReply.REPAIR)).isFalse();
    assertThat(parsed.prefixSize()).isEqualTo(5);
    assertThat(parsed.lifetimeMillis()).isEqualTo(6000);
    assertThat(parsed.encodedLength()).isEqualTo(20);
  }

  @Test
  void helloIsAReplyAboutItselfWithTheIntervalExtension() throws Exception {
    RouteReply hello = AodvSamples.HELLO;
    assertThat(hello.destination()).isEqualTo(AodvSamples.SELF);
    assertThat(hello.originator()).isEqualTo(AodvSamples.SELF);
    assertThat(hello.destinationSequence()).isEqualTo(42);
    assertThat(hello.hopCount()).isZero();
    assertThat(hello.lifetimeMillis()).isEqualTo(2000);
    assertThat(hello.helloIntervalMillis()).hasValue(1000);
    assertThat(hex(hello)).isEqualTo(AodvSamples.HELLO_HEX);
    assertThat(AodvMessages.parse(buffer(AodvSamples.HELLO_HEX))).isEqualTo(hello);

    RouteReply plain = RouteReply.hello(AodvSamples.SELF, 0xFFFFFFFF, 1000, 2, false);
    assertThat(plain.extensions()).isEmpty();
    assertThat(plain.helloIntervalMillis()).isEmpty();
    assertThat(hex(plain))
        .isEqualTo("02000000" + "0a000009" + "ffffffff" + "0a000009" + "000007d0");
    assertThatThrownBy(() -> RouteReply.hello(AodvSamples.SELF, 1, 0xFFFFFFFFL, 2, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void routeErrorLayout() throws Exception {
    assertThat(hex(AodvSamples.RERR)).isEqualTo(AodvSamples.RERR_HEX);
    RouteError parsed = (RouteError) AodvMessages.parse(buffer(AodvSamples.RERR_HEX));
    assertThat(parsed).isEqualTo(AodvSamples.RERR);
    assertThat(parsed.noDelete()).isTrue();
    assertThat(parsed.destinations()).hasSize(3);
    assertThat(parsed.destinations().get(2).address()).isEqualTo(Ipv4Address.parse("172.16.0.1"));
    assertThat(parsed.destinations().get(2).sequence()).isEqualTo(0x80000000);
    assertThat(parsed.encodedLength()).isEqualTo(28);
  }

  @Test
  void routeReplyAckLayout() throws Exception {
    assertThat(hex(RouteReplyAck.INSTANCE)).isEqualTo("0400");
    assertThat(AodvMessages.parse(buffer("0400"))).isEqualTo(RouteReplyAck.INSTANCE);
  }

  @Test
  void reservedBitsAreIgnoredOnReceiptAndWrittenAsZero() throws Exception {
    String rreq = "01ffff03" + AodvSamples.RREQ_HEX.substring(8);
    RouteRequest req = RouteRequest.parse(buffer(rreq));
    assertThat(req.flags()).isEqualTo(0xF8);
    assertThat(hex(req)).isEqualTo("01f80003" + AodvSamples.RREQ_HEX.substring(8));

    String rrep = "02ffff02" + AodvSamples.RREP_HEX.substring(8);
    RouteReply rep = RouteReply.parse(buffer(rrep));
    assertThat(rep.flags()).isEqualTo(0xC0);
    assertThat(rep.prefixSize()).isEqualTo(31);
    assertThat(hex(rep)).isEqualTo("02c01f02" + AodvSamples.RREP_HEX.substring(8));

    String rerr = "037fff03" + AodvSamples.RERR_HEX.substring(8);
    RouteError err = RouteError.parse(buffer(rerr));
    assertThat(err.noDelete()).isFalse();
    assertThat(hex(err)).isEqualTo("03000003" + AodvSamples.RERR_HEX.substring(8));

    assertThat(hex(RouteReplyAck.parse(buffer("04ff")))).isEqualTo("0400");
  }

  @Test
  void everyRequestFlagCombinationRoundTrips() throws Exception {
    for (int flags = 0; flags < 32; flags++) {
      int wire = flags << 3;
      RouteRequest req = new RouteRequest(wire, flags * 7, ~flags, B, flags, A, -flags, List.of());
      assertThat(roundTrip(req)).as("flags 0x%02x", wire).isEqualTo(req);
      assertThat(hex(req)).startsWith(String.format("01%02x00%02x", wire, flags * 7));
    }
  }

  @Test
  void everyReplyFlagAndPrefixSizeRoundTrips() throws Exception {
    for (int flags : new int[] {0, RouteReply.REPAIR, RouteReply.ACK_REQUIRED, 0xC0}) {
      for (int prefix = 0; prefix <= RouteReply.MAX_PREFIX_SIZE; prefix++) {
        RouteReply rep = new RouteReply(flags, prefix, 255, A, prefix, B, 0xFFFFFFFFL, List.of());
        assertThat(roundTrip(rep)).isEqualTo(rep);
        assertThat(hex(rep)).startsWith(String.format("02%02x%02xff", flags, prefix));
      }
    }
  }

  @Test
  void routeErrorsWithAndWithoutNAndUpTo255Destinations() throws Exception {
    List<RouteError.Unreachable> many = new ArrayList<>();
    for (int i = 0; i < 255; i++) {
      many.add(new RouteError.Unreachable(Ipv4Address.of(0x0A000000 + i), i * 0x01010101));
    }
    for (int flags : new int[] {0, RouteError.NO_DELETE}) {
      for (List<RouteError.Unreachable> dests : List.of(many.subList(0, 1), many)) {
        RouteError err = new RouteError(flags, dests, List.of());
        assertThat(roundTrip(err)).isEqualTo(err);
        assertThat(err.encodedLength()).isEqualTo(4 + 8 * dests.size());
      }
    }
  }

  @Test
  void unknownExtensionsAreKeptInOrderOnEveryMessage() throws Exception {
    List<String> withExtensions =
        List.of(
            AodvSamples.RREQ_HEX + AodvSamples.UNKNOWN_EXTENSIONS_HEX,
            AodvSamples.HELLO_HEX + AodvSamples.UNKNOWN_EXTENSIONS_HEX,
            AodvSamples.RERR_HEX + AodvSamples.UNKNOWN_EXTENSIONS_HEX,
            AodvSamples.RREP_ACK_HEX + AodvSamples.UNKNOWN_EXTENSIONS_HEX);
    for (String hex : withExtensions) {
      AodvMessage parsed = AodvMessages.parse(buffer(hex));
      assertThat(hex(parsed)).isEqualTo(hex);
      assertThat(roundTrip(parsed)).isEqualTo(parsed);
      assertThat(parsed.extensions())
          .endsWith(AodvSamples.UNKNOWN_EXTENSIONS.toArray(new AodvExtension[0]));
      assertThat(parsed.extension(200).data()).containsExactly(0xAA, 0xBB, 0xCC);
      assertThat(parsed.extension(7).dataLength()).isZero();
    }
    RouteRequest built =
        new RouteRequest(
            AodvSamples.RREQ.flags(),
            AodvSamples.RREQ.hopCount(),
            AodvSamples.RREQ.rreqId(),
            AodvSamples.RREQ.destination(),
            AodvSamples.RREQ.destinationSequence(),
            AodvSamples.RREQ.originator(),
            AodvSamples.RREQ.originatorSequence(),
            AodvSamples.UNKNOWN_EXTENSIONS);
    assertThat(hex(built)).isEqualTo(withExtensions.get(0));
    assertThat(built.extension(1)).isNull();
    assertThat(new RouteReplyAck(AodvSamples.UNKNOWN_EXTENSIONS).encodedLength()).isEqualTo(9);
  }

  @Test
  void helloIntervalNextToOtherExtensions() throws Exception {
    String hex = AodvSamples.RREP_HEX + "c80100" + "0104ffffffff";
    RouteReply rep = RouteReply.parse(buffer(hex));
    assertThat(rep.helloIntervalMillis()).isEqualTo(OptionalLong.of(4294967295L));
    assertThat(rep.extensions()).hasSize(2);
    assertThat(hex(rep)).isEqualTo(hex);
    assertThat(AodvExtension.helloInterval(1000).toString()).isEqualTo("hello-interval 1000 ms");
  }

  @Test
  void parsedMessagesDoNotShareTheBuffer() throws Exception {
    ByteBuf buf = buffer(AodvSamples.RREQ_HEX + AodvSamples.UNKNOWN_EXTENSIONS_HEX);
    AodvMessage m = AodvMessages.parse(buf);
    buf.setZero(0, buf.capacity());
    assertThat(m.extensions()).containsExactlyElementsOf(AodvSamples.UNKNOWN_EXTENSIONS);
    m.extension(200).data()[0] = 0;
    assertThat(m.extension(200).data()[0]).isEqualTo((byte) 0xAA);
    assertThatThrownBy(() -> m.extensions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void parsingReadsFromTheReaderIndexAndLeavesItThere() throws Exception {
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(AodvSamples.bytes("ffffff" + AodvSamples.RREP_HEX));
    buf.readerIndex(3);
    assertThat(AodvMessages.parse(buf)).isEqualTo(AodvSamples.RREP);
    assertThat(buf.readerIndex()).isEqualTo(3);
    ByteBuf out = Unpooled.buffer().writeByte(0x55);
    AodvSamples.RERR.writeTo(out);
    assertThat(io.netty.buffer.ByteBufUtil.hexDump(out)).isEqualTo("55" + AodvSamples.RERR_HEX);
  }

  @Test
  void typeErrors() {
    assertThat(reason("")).isEqualTo(Reason.TRUNCATED);
    for (String type : new String[] {"00", "05", "ff"}) {
      assertThat(reason(type + "000000")).isEqualTo(Reason.UNKNOWN_TYPE);
    }
    ByteBuf rrep = buffer(AodvSamples.RREP_HEX);
    assertThat(
            catchThrowableOfType(() -> RouteRequest.parse(rrep), AodvFormatException.class)
                .reason())
        .isEqualTo(Reason.WRONG_TYPE);
    assertThat(
            catchThrowableOfType(() -> RouteError.parse(rrep), AodvFormatException.class).reason())
        .isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void lengthErrors() {
    assertThat(reason(AodvSamples.RREQ_HEX.substring(0, 46))).isEqualTo(Reason.TRUNCATED);
    assertThat(reason(AodvSamples.RREP_HEX.substring(0, 38))).isEqualTo(Reason.TRUNCATED);
    assertThat(reason("04")).isEqualTo(Reason.TRUNCATED);
    assertThat(reason("03000000")).isEqualTo(Reason.BAD_DESTINATION_COUNT);
    assertThat(reason("03000000" + "0a00000100000001")).isEqualTo(Reason.BAD_DESTINATION_COUNT);
    // DestCount 2 with one entry.
    assertThat(reason("03000002" + "0a00000100000001")).isEqualTo(Reason.TRUNCATED);
    AodvFormatException e =
        catchThrowableOfType(
            () -> AodvMessages.parse(buffer("03000004" + "0a00000100000001")),
            AodvFormatException.class);
    assertThat(e.getMessage()).contains("4 destinations").contains("36 bytes");
    assertThat(e.getStackTrace()).isEmpty();
  }

  @Test
  void extensionErrors() {
    assertThat(reason(AodvSamples.RREQ_HEX + "c8")).isEqualTo(Reason.TRUNCATED_EXTENSION);
    assertThat(reason(AodvSamples.RREQ_HEX + "c803aabb")).isEqualTo(Reason.TRUNCATED_EXTENSION);
    assertThat(reason(AodvSamples.RREP_HEX + "0104000003")).isEqualTo(Reason.TRUNCATED_EXTENSION);
    assertThat(reason(AodvSamples.RERR_HEX + "00")).isEqualTo(Reason.TRUNCATED_EXTENSION);
    assertThat(reason("0400" + "01")).isEqualTo(Reason.TRUNCATED_EXTENSION);
    assertThat(reason(AodvSamples.RREP_HEX + "01020000")).isEqualTo(Reason.BAD_EXTENSION_LENGTH);
    assertThat(reason(AodvSamples.RREP_HEX + "0105" + "0000000000"))
        .isEqualTo(Reason.BAD_EXTENSION_LENGTH);
  }

  @Test
  void buildersRejectValuesThatDoNotFit() {
    assertThatThrownBy(() -> new RouteRequest(0x04, 0, 0, A, 0, B, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteRequest(0, 256, 0, A, 0, B, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteRequest(0, 0, 0, null, 0, B, 0, List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RouteReply(0x20, 0, 0, A, 0, B, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteReply(0, 32, 0, A, 0, B, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteReply(0, 0, 0, A, 0, B, 1L << 32, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteError(0, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RouteError(0x40, AodvSamples.RERR.destinations(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    List<RouteError.Unreachable> tooMany =
        java.util.Collections.nCopies(256, new RouteError.Unreachable(A, 1));
    assertThatThrownBy(() -> new RouteError(0, tooMany, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AodvExtension.of(1, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AodvExtension.of(2, new byte[256]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AodvExtension.of(256, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forwardersChangeTheHopCountOnly() {
    RouteRequest req = AodvSamples.RREQ.withHopCount(4);
    assertThat(req.hopCount()).isEqualTo(4);
    assertThat(req.withHopCount(AodvSamples.RREQ.hopCount())).isEqualTo(AodvSamples.RREQ);
    RouteReply rep = AodvSamples.HELLO.withHopCount(1);
    assertThat(rep.hopCount()).isEqualTo(1);
    assertThat(rep.extensions()).isEqualTo(AodvSamples.HELLO.extensions());
  }

  private static AodvMessage roundTrip(AodvMessage m) throws AodvFormatException {
    ByteBuf out = m.encode(ALLOC);
    try {
      assertThat(out.readableBytes()).isEqualTo(m.encodedLength());
      assertThat(out.capacity()).isEqualTo(m.encodedLength());
      return AodvMessages.parse(out);
    } finally {
      out.release();
    }
  }

  private static Reason reason(String hex) {
    AodvFormatException e =
        catchThrowableOfType(() -> AodvMessages.parse(buffer(hex)), AodvFormatException.class);
    assertThat(e).as("parse of %s", hex).isNotNull();
    return e.reason();
  }
}
