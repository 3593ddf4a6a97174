package io.mvpn.aodv.message;

import static io.mvpn.aodv.message.AodvSamples.ALLOC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.aodv.message.AodvFormatException.Reason;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Seed 002's Hello Authentication and Site Routes extensions: layout, round trips, bad input. */
class HelloAuthenticationTest {

  private static final Ipv4Address NODE = Ipv4Address.parse("10.1.0.3");
  private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
  private static final RouteReply HELLO = RouteReply.hello(NODE, 5, 1000, 2, true);

  @Test
  void theExtensionIsLastAndItsAuthenticatorIsTheHmacOfEverythingBeforeIt() throws Exception {
    RouteReply signed = HelloAuthentication.sign(HELLO, "alice@acme.example", 0x100, 42, KEY);
    byte[] wire = bytes(signed);

    String fixed = "02000000" + "0a010003" + "00000005" + "0a010003" + "000007d0";
    String interval = "0104000003e8";
    String head = "e6" + "3f" + "00000100" + "000000000000002a" + "12";
    String identity = HexFormat.of().formatHex("alice@acme.example".getBytes());
    byte[] covered = HexFormat.of().parseHex(fixed + interval + head + identity);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    assertThat(HexFormat.of().formatHex(wire))
        .isEqualTo(
            HexFormat.of().formatHex(covered) + HexFormat.of().formatHex(mac.doFinal(covered)));
    assertThat(HelloAuthentication.signedBytes(signed)).isEqualTo(covered);
  }

  @Test
  void aSignedHelloParsesBackAndVerifiesOnlyWithItsKey() throws Exception {
    RouteReply signed = HelloAuthentication.sign(HELLO, "alice@acme.example", 7, 99, KEY);
    RouteReply parsed = (RouteReply) AodvMessages.parse(Unpooled.wrappedBuffer(bytes(signed)));

    assertThat(parsed).isEqualTo(signed);
    HelloAuthentication auth = HelloAuthentication.of(parsed);
    assertThat(auth.identity()).isEqualTo("alice@acme.example");
    assertThat(auth.spi()).isEqualTo(7);
    assertThat(auth.timestamp()).isEqualTo(99);
    assertThat(HelloAuthentication.parse(auth.toExtension())).isEqualTo(auth);
    assertThat(HelloAuthentication.verify(parsed, KEY)).isTrue();
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertThat(HelloAuthentication.verify(parsed, other)).isFalse();
  }

  @Test
  void aHelloChangedAfterSigningDoesNotVerify() throws Exception {
    byte[] wire = bytes(HelloAuthentication.sign(HELLO, "alice@acme.example", 7, 99, KEY));
    wire[7] ^= 1; // the hello's destination (the node's address)
    AodvMessage changed = AodvMessages.parse(Unpooled.wrappedBuffer(wire));

    assertThat(HelloAuthentication.verify(changed, KEY)).isFalse();
  }

  @Test
  void anIdentityLengthThatDoesNotFitTheExtensionIsATypedError() {
    AodvExtension good =
        HelloAuthentication.sign(HELLO, "bob@globex.example", 1, 1, KEY).extension(230);
    byte[] d = good.data();
    d[12]++;
    assertThat(reason(AodvExtension.of(230, d))).isEqualTo(Reason.BAD_EXTENSION_LENGTH);
    assertThat(reason(AodvExtension.of(230, Arrays.copyOf(d, 13))))
        .isEqualTo(Reason.BAD_EXTENSION_LENGTH);
    assertThat(reason(AodvExtension.of(230, new byte[0]))).isEqualTo(Reason.BAD_EXTENSION_LENGTH);
  }

  @Test
  void anIdentityThatIsNotUtf8IsATypedError() {
    byte[] d = new byte[HelloAuthentication.FIXED_LENGTH + 2];
    d[12] = 2;
    d[13] = (byte) 0xC3;
    d[14] = (byte) 0x28;
    assertThat(reason(AodvExtension.of(230, d))).isEqualTo(Reason.BAD_EXTENSION_VALUE);
  }

  @Test
  void anAuthenticationFollowedByAnotherExtensionIsRefused() {
    RouteReply signed = HelloAuthentication.sign(HELLO, "alice@acme.example", 7, 99, KEY);
    List<AodvExtension> ext = new java.util.ArrayList<>(signed.extensions());
    ext.add(AodvExtension.routeRefresh());
    RouteReply appended = new RouteReply(0, 0, 0, NODE, 5, NODE, signed.lifetimeMillis(), ext);

    AodvFormatException e =
        catchThrowableOfType(AodvFormatException.class, () -> HelloAuthentication.of(appended));
    assertThat(e.reason()).isEqualTo(Reason.BAD_EXTENSION_VALUE);
  }

  @Test
  void siteRoutesRoundTripInTenBytesEach() throws Exception {
    SiteRoutes routes =
        new SiteRoutes(
            List.of(
                new SiteRoutes.Route(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.2"), 10),
                new SiteRoutes.Route(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1)));
    AodvExtension e = routes.toExtension();

    assertThat(HexFormat.of().formatHex(e.data()))
        .isEqualTo("00000000" + "00" + "0a010002" + "0a" + "0a010000" + "10" + "00000000" + "01");
    assertThat(SiteRoutes.parse(e)).isEqualTo(routes);
  }

  @Test
  void siteRoutesOfABadLengthOrWithHostBitsAreTypedErrors() {
    assertThat(siteRoutesReason(new byte[9])).isEqualTo(Reason.BAD_EXTENSION_LENGTH);
    assertThat(siteRoutesReason(new byte[0])).isEqualTo(Reason.BAD_EXTENSION_LENGTH);
    byte[] hostBits = HexFormat.of().parseHex("0a010001" + "10" + "00000000" + "01");
    assertThat(siteRoutesReason(hostBits)).isEqualTo(Reason.BAD_EXTENSION_VALUE);
    byte[] longPrefix = HexFormat.of().parseHex("0a010001" + "21" + "00000000" + "01");
    assertThat(siteRoutesReason(longPrefix)).isEqualTo(Reason.BAD_EXTENSION_VALUE);
  }

  private static Reason reason(AodvExtension e) {
    return catchThrowableOfType(AodvFormatException.class, () -> HelloAuthentication.parse(e))
        .reason();
  }

  private static Reason siteRoutesReason(byte[] data) {
    return catchThrowableOfType(
            AodvFormatException.class, () -> SiteRoutes.parse(AodvExtension.of(231, data)))
        .reason();
  }

  private static byte[] bytes(AodvMessage m) {
    ByteBuf b = m.encode(ALLOC);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }
}
