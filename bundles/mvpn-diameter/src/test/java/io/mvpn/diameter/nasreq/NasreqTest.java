package io.mvpn.diameter.nasreq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NASREQ (RFC 7155) messages as the sink and the MSM exchange them. */
class NasreqTest {

  @Test
  void anAaRequestIsProxiableAndCarriesTheNodeAndTheDestinationRealm() throws Exception {
    DiameterMessage aar =
        Nasreq.aaRequest(
            Nasreq.sessionId("sink1.acme.local", 1, 7),
            "sink1.acme.local",
            "acme.local",
            "home.local",
            "mn1@acme",
            new byte[] {1, 2});
    DiameterMessage decoded = DiameterMessage.decode(Unpooled.wrappedBuffer(aar.toBytes()));

    assertThat(decoded.commandCode()).isEqualTo(CommandCode.AA);
    assertThat(decoded.applicationId()).isEqualTo(1);
    assertThat(decoded.isProxiable()).isTrue();
    assertThat(decoded.utf8(AvpCode.SESSION_ID)).isEqualTo("sink1.acme.local;1;7");
    assertThat(decoded.unsigned32(AvpCode.AUTH_REQUEST_TYPE)).isEqualTo(3);
    decoded.requireKnownMandatoryAvps();
  }

  @Test
  void theRoutesAndFiltersOfAGrantAreReadBack() throws Exception {
    List<FramedRoute> routes =
        List.of(
            new FramedRoute("0.0.0.0/0", "10.1.0.1", 10),
            new FramedRoute("10.1.0.0/16", "0.0.0.0", 1));
    DiameterMessage request =
        Nasreq.aaRequest("s;1;1", "sink1.acme.local", "acme.local", "home.local", "mn1", null);
    DiameterMessage answer =
        DiameterMessage.answer(
            request,
            ResultCode.SUCCESS,
            Nasreq.grant(routes, List.of("permit in ip from any to any")));

    assertThat(Nasreq.routes(answer)).isEqualTo(routes);
    assertThat(Nasreq.filterRules(answer)).containsExactly("permit in ip from any to any");
    assertThat(answer.utf8(AvpCode.FRAMED_ROUTE)).isEqualTo("0.0.0.0/0 10.1.0.1 10");
  }

  @Test
  void aFramedRouteWithoutAPrefixLengthOrWithABadMetricIs5004() {
    assertThatThrownBy(() -> FramedRoute.parse("10.1.0.0 0.0.0.0 1"))
        .isInstanceOfSatisfying(
            MalformedDiameterException.class,
            e -> assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_AVP_VALUE));
    assertThatThrownBy(() -> FramedRoute.parse("10.1.0.0/16 0.0.0.0 x"))
        .isInstanceOf(MalformedDiameterException.class);
  }
}
