package io.mvpn.homeagent;

import static io.mvpn.homeagent.TwoTenants.ACME_HA;
import static io.mvpn.homeagent.TwoTenants.ACME_KEY;
import static io.mvpn.homeagent.TwoTenants.MN_HOME;
import static io.mvpn.homeagent.TwoTenants.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationRequest;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the home agent's UDP 434 entry point: registration requests with any
 * extensions (RFC 5944), RFC 3519 tunnel requests and tunnel data, from the node's care-of address
 * or from behind a NAT (the first input byte picks which; the rest is the UDP payload). Nothing may
 * escape the home agent, and a request that does not carry a valid MN-HA authenticator under acme's
 * key must change no binding, no identification and no accepted count, at either tenant.
 */
class RegistrationFuzzTest {

  private static final MvpnId ACME = MvpnId.of("acme");
  private static final MvpnId GLOBEX = MvpnId.of("globex");
  private static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.51");
  private static final Ipv4Address NAT = Ipv4Address.parse("203.0.113.52");
  private static final MobilitySecurityAssociation ACME_SA =
      new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, ACME_KEY);

  private static TwoTenants tenants;

  @FuzzTest(maxDuration = "30m")
  void requestsThatDoNotAuthenticateChangeNoBinding(byte[] data) {
    if (tenants == null) {
      tenants = new TwoTenants();
      tenants.run();
    }
    if (data.length == 0) {
      return;
    }
    byte[] payload = Arrays.copyOfRange(data, 1, data.length);
    boolean behindNat = (data[0] & 1) != 0;
    String before = snapshot();
    tenants
        .vrf(behindNat ? "mn-globex" : "mn-acme", "colo")
        .sendUdp(
            behindNat ? NAT : CARE_OF,
            ACME_HA,
            (data[0] & 2) != 0 ? 4434 : MipConstants.PORT,
            MipConstants.PORT,
            Unpooled.wrappedBuffer(payload));
    tenants.lab.advance(200, TimeUnit.MILLISECONDS);
    if (!authenticates(payload)) {
      assertThat(snapshot())
          .as("state after a request that does not authenticate")
          .isEqualTo(before);
    }
  }

  private static boolean authenticates(byte[] payload) {
    try {
      RegistrationRequest request = RegistrationRequest.parse(Unpooled.wrappedBuffer(payload));
      MipExtension mnHa = request.find(MipConstants.EXT_MN_HA_AUTH);
      return mnHa != null && ACME_SA.verify(request, mnHa);
    } catch (MalformedPacketException e) {
      return false;
    }
  }

  private static String snapshot() {
    VirtualHomeAgent acme = tenants.acme();
    return tenants.store.bindings(ACME)
        + " "
        + tenants.store.bindings(GLOBEX)
        + " "
        + tenants.store.lastIdentification(ACME, MN_HOME)
        + " "
        + tenants.store.lastIdentification(GLOBEX, MN_HOME)
        + " accepted "
        + acme.stats().accepted()
        + " sius "
        + acme.siusSent();
  }
}
