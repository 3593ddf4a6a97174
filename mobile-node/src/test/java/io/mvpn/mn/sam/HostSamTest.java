package io.mvpn.mn.sam;

import static io.mvpn.mobilenode.sam.SamSite.CORRESPONDENT;
import static io.mvpn.mobilenode.sam.SamSite.HOME;
import static io.mvpn.mobilenode.sam.SamSite.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.HostKernel;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.mobilenode.sam.SamRealmKdc;
import io.mvpn.mobilenode.sam.SamSite;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.kink.KerberosClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mvpn-mn's SAM path wired as {@code MobileNodeHost} wires it, without a process or a device: the
 * engine's VRF with its co-located attachment in a mobility lab, the TUN device's kernel side a
 * recorder, the tenant's manager and a correspondent on the home network, the node's keys from a
 * keytab through the realm's KDC. What the kernel routes to the correspondent must leave in ESP and
 * come back into the kernel in the clear.
 */
class HostSamTest {

  private static SamRealmKdc realm;

  @BeforeAll
  static void startKdc() throws Exception {
    realm = SamRealmKdc.shared();
  }

  private final MobilityLab lab = SamSite.lab(23).colocated("access", "203.0.113.61/24").build();
  private final VirtualTimeScheduler time = lab.time();
  private final List<String> intoKernel = new ArrayList<>();
  private final Vrf vrf = lab.vrf("mn", "access");
  private int kernelMtu = 1500;

  @AfterEach
  void closeLab() {
    lab.close();
  }

  @Test
  void whatTheKernelSendsToAProtectedCorrespondentLeavesInEspAndItsAnswerEntersTheKernelInClear()
      throws Exception {
    SamSite site = new SamSite(lab, realm);
    HostSam sam = wire(NodeKeys.fromKeytab(settings()));

    Interface host = vrf.getInterface("host");
    for (int n = 1; n <= 3; n++) {
      host.receive(udp(HOME, CORRESPONDENT, "call " + n)); // as the TUN device hands it over
      time.advance(20, TimeUnit.MILLISECONDS);
    }
    time.advance(200, TimeUnit.MILLISECONDS);

    assertThat(site.heardByCorrespondent).containsExactly("call 1", "call 2", "call 3");
    assertThat(site.reachedCorrespondent).hasSize(3).containsOnly("ESP from " + HOME);
    // Neither the ESP nor the manager's KINK reached the kernel: only what the ESP carried.
    assertThat(intoKernel).containsExactly("echo call 1", "echo call 2", "echo call 3");
    assertThat(sam.client().counters().requestsSent()).isEqualTo(1);
    String status = sam.status();
    assertThat(status)
        .contains("sam-keys: held\n", "sam-requests: 1\n", "sam-esp-sent: 3\n")
        .containsPattern("(?m)^sa: cn out 0x[0-9a-f]{8} in 0x[0-9a-f]{8} 2879\\d s left$");
  }

  @Test
  void withoutItsKeysTheNodeSendsNothingToACorrespondentAndSaysWhyUntilTheKdcAnswers()
      throws Exception {
    SamSite site = new SamSite(lab, realm);
    boolean[] kdcAnswers = {false};
    HostSam sam = wire(onceTheKdcAnswers(kdcAnswers));
    Interface host = vrf.getInterface("host");

    host.receive(udp(HOME, CORRESPONDENT, "too early"));
    time.advance(1, TimeUnit.SECONDS);
    assertThat(sam.status())
        .contains("sam-keys: the KDC did not answer\n", "sam-dropped-without-keys: 1\n");
    assertThat(site.heardByCorrespondent).isEmpty();
    assertThat(site.reachedCorrespondent).isEmpty();
    assertThat(site.kinkOnTheLan).isEmpty();

    kdcAnswers[0] = true;
    time.advance(16, TimeUnit.SECONDS); // the next retry, the wait doubling from 2 s
    host.receive(udp(HOME, CORRESPONDENT, "in time"));
    time.advance(200, TimeUnit.MILLISECONDS);
    assertThat(sam.status()).contains("sam-keys: held\n");
    assertThat(site.heardByCorrespondent).containsExactly("in time");
    assertThat(intoKernel).containsExactly("echo in time");
  }

  @Test
  void aCorrespondentsDatagramInTheClearNeverEntersTheKernelBeforeOrAfterTheKeys()
      throws Exception {
    new SamSite(lab, realm);
    boolean[] kdcAnswers = {false};
    HostSam sam = wire(onceTheKdcAnswers(kdcAnswers));
    Vrf correspondent = lab.vrf("acme-host", "main");

    clear(correspondent, "before the keys");
    time.advance(1, TimeUnit.SECONDS);
    kdcAnswers[0] = true;
    time.advance(16, TimeUnit.SECONDS);
    assertThat(sam.status()).contains("sam-keys: held\n");
    clear(correspondent, "after the keys");
    time.advance(1, TimeUnit.SECONDS);

    assertThat(intoKernel).isEmpty();
    assertThat(sam.status()).contains("sam-dropped-clear-from-peer: 2\n");
  }

  @Test
  void aFullSizeAnswerInEspReachesAKernelOfThatMtuWholeAndLargerClearOnesAreCutToIt()
      throws Exception {
    SamSite site = new SamSite(lab, realm);
    kernelMtu = 1400;
    HostSam sam = wire(NodeKeys.fromKeytab(settings()));
    // IPv4 and UDP headers, and the correspondent's "echo " before it: 1400 bytes back.
    String said = "x".repeat(1400 - 20 - 8 - 5);

    vrf.getInterface("host").receive(udp(HOME, CORRESPONDENT, said));
    time.advance(300, TimeUnit.MILLISECONDS);
    assertThat(site.heardByCorrespondent).containsExactly(said);
    assertThat(intoKernel).containsExactly("echo " + said);
    assertThat(sam.path().counters().received()).isEqualTo(1);

    // In the clear from a host the manager does not protect: cut to the kernel's MTU.
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[1450 - 20 - 8]);
    lab.vrf("acme-sam", "main").sendUdp(SamSite.SAM, HOME, 5005, 5005, payload);
    time.advance(300, TimeUnit.MILLISECONDS);
    assertThat(intoKernel).hasSize(3).endsWith("fragment of 1396", "fragment of 74");
  }

  @Test
  void aClosedPathAsksTheKdcNoMore() {
    int[] asked = {0};
    HostSam sam =
        wire(
            () -> {
              asked[0]++;
              throw new IllegalStateException("the KDC did not answer");
            });
    int before = asked[0]; // at the start and after 2 s; the next is due at 6 s

    sam.close();
    time.advance(5, TimeUnit.MINUTES);

    assertThat(before).isEqualTo(2);
    assertThat(asked[0]).isEqualTo(before);
  }

  /** A voice datagram the correspondent sends the home address in the clear, as a spoofer would. */
  private static void clear(Vrf from, String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    from.sendUdp(CORRESPONDENT, HOME, SamSite.VOICE_PORT, SamSite.VOICE_PORT, payload);
    payload.release();
  }

  /** The node's keys from the realm's KDC, silent while {@code answers[0]} is false. */
  private static NodeKeys.Source onceTheKdcAnswers(boolean[] answers) {
    NodeKeys.Source fromKdc = NodeKeys.fromKeytab(settings());
    return () -> {
      if (!answers[0]) {
        throw new IllegalStateException("the KDC did not answer");
      }
      return fromKdc.get();
    };
  }

  /** The engine's VRF, node and SAM path as MobileNodeHost builds them, registered. */
  private HostSam wire(NodeKeys.Source keys) {
    HostSam sam =
        new HostSam(
            settings(),
            HOME,
            vrf,
            time,
            new HostKernel(
                kernelMtu,
                ip -> {
                  try {
                    intoKernel.add(
                        ip.isFragment()
                            ? "fragment of " + ip.totalLength()
                            : ip.protocol() == IpProtocol.UDP
                                ? SamSite.text(UdpDatagram.parse(ip))
                                : "protocol " + ip.protocol());
                  } catch (MalformedPacketException e) {
                    throw new AssertionError(e);
                  }
                }),
            keys,
            Runnable::run,
            KerberosClock.of(time, System.currentTimeMillis()),
            null);
    Interface host =
        vrf.addInterface("host", Ipv4Address.parse("169.254.77.1"), 32, sam.kernelSide());
    MobileNode node = SamSite.mobileNode(time);
    node.addColocated("access", vrf, lab.iface("mn", "access"));
    node.deliverHomeDatagramsTo(host);
    sam.start(vrf.getInterface("access-tunnel"));
    node.moveTo("access");
    time.advance(5, TimeUnit.SECONDS);
    assertThat(node.connected()).isTrue();
    return sam;
  }

  private static SamSettings settings() {
    try {
      return SamSettings.parse(
          "test",
          Map.of(
              "manager", SamSite.SAM.toString(),
              "managerPrincipal", SamRealmKdc.MANAGER,
              "principal", SamRealmKdc.principal("mn"),
              "keytab", realm.keytab("mn").toString(),
              "krb5ConfDir", realm.clientConfigDir().toString(),
              "correspondents", List.of("cn=" + CORRESPONDENT)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
