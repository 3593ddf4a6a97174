package io.mvpn.diameter.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.nasreq.Nasreq;
import io.mvpn.diameter.net.DiameterTcp;
import io.mvpn.diameter.peer.DiameterNode;
import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.PeerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 002 c41 on real sockets: a sink's Diameter node asks an MSM's over TCP on the loopback
 * whether two entering nodes may in (right key: 2001 with Framed-Route and NAS-Filter-Rule; wrong
 * key: 4001), then for a certified node (AUTHORIZE_ONLY with the hello's timestamp and nonce) and
 * for the certificates under its name (AUTHENTICATE_ONLY, answered with the vendor-specific
 * MVPN-Certificate AVP, c56), while dumpcap records the exchange; tshark's Diameter dissector reads
 * every frame, the CHAP AVPs and the vendor AVP included, without calling one malformed.
 */
class HelloAaCaptureTest {

  private static final Path TSHARK = LoopbackCapture.TSHARK;
  private static final byte[] KEY =
      "a hello key of 32 bytes, exactly".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void theSinksAaRequestsAndTheMsmsAnswersDissectWithoutAMalformedFrame() throws Exception {
    LoopbackCapture.requireTools();
    int msmPort = freePort();
    LoopbackCapture capture = LoopbackCapture.start(dir.resolve("hello.pcapng"), msmPort);
    toClose.add(capture);

    DiameterTcp msmTcp = new DiameterTcp();
    toClose.add(msmTcp);
    DiameterNode msm = node(msmTcp, "msm.acme.example");
    onLoop(msmTcp, () -> msm.register(Nasreq.APPLICATION_ID, new HelloAaServer(checkingKey())));
    onLoop(msmTcp, () -> msm.addPeer(new PeerConfig("sink.acme.example", "acme.example", null)));
    msmTcp.listen(new InetSocketAddress("127.0.0.1", msmPort), msm);

    DiameterTcp sinkTcp = new DiameterTcp();
    toClose.add(sinkTcp);
    DiameterNode sink = node(sinkTcp, "sink.acme.example");
    onLoop(
        sinkTcp,
        () ->
            sink.addPeer(
                new PeerConfig(
                    "msm.acme.example",
                    "acme.example",
                    new InetSocketAddress("127.0.0.1", msmPort))));
    onLoop(sinkTcp, sink::start);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!onLoop(sinkTcp, () -> sink.peer("msm.acme.example").available())
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    HelloAaClient client =
        new HelloAaClient(
            (request, listener) -> sinkTcp.scheduler().execute(() -> sink.send(request, listener)),
            "sink.acme.example",
            "acme.example",
            1);

    Authorization admitted = ask(client, credentials(KEY, 1));
    Authorization refused =
        ask(client, credentials("not the key of this node, 32 b.".getBytes(), 2));
    CompletableFuture<Authorization> certified = new CompletableFuture<>();
    client.authorizeCertified(
        new CertifiedNode(
            "alice.acme.example", Ipv4Address.parse("10.1.0.3"), 3, 77, "", "acme.example"),
        certified::complete);
    Authorization admittedByCertificate = certified.get(15, TimeUnit.SECONDS);
    CompletableFuture<List<byte[]>> fetched = new CompletableFuture<>();
    client.certificates("alice.acme.example.", fetched::complete);
    List<byte[]> certificates = fetched.get(15, TimeUnit.SECONDS);
    onLoop(
        sinkTcp,
        () -> {
          sink.stop(io.mvpn.diameter.peer.DisconnectCause.REBOOTING);
          return null;
        });
    capture.close();

    assertThat(admitted.outcome()).isEqualTo(Authorization.Outcome.ADMITTED);
    assertThat(admitted.routes())
        .containsExactly(
            new GrantedRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), 10),
            new GrantedRoute(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1));
    assertThat(admitted.filterRules()).containsExactly("permit in ip from 10.1.0.3 to 10.1.0.0/16");
    assertThat(refused.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(admittedByCertificate.outcome()).isEqualTo(Authorization.Outcome.ADMITTED);
    assertThat(certificates).containsExactly(ALICES_CERTIFICATE);

    String decodeAs = "tcp.port==" + msmPort + ",diameter";
    Path pcap = capture.file;
    assertThat(
            tshark(
                pcap,
                "-d",
                decodeAs,
                "-Y",
                "_ws.malformed || _ws.expert.severity >= \"error\"",
                "-T",
                "fields",
                "-e",
                "frame.number"))
        .as("frames Wireshark calls malformed")
        .isEmpty();
    String aa =
        tshark(
            pcap,
            "-d",
            decodeAs,
            "-Y",
            "diameter.cmd.code == 265",
            "-T",
            "fields",
            "-e",
            "diameter.flags.request",
            "-e",
            "diameter.Result-Code",
            "-e",
            "diameter.User-Name",
            "-e",
            "diameter.CHAP-Algorithm");
    assertThat(aa.lines().toList())
        .as("two authenticated hellos, a certified one and a certificate fetch, each answered")
        .hasSize(8)
        .anySatisfy(l -> assertThat(l).contains("alice@acme.example").contains("230"))
        .anySatisfy(l -> assertThat(l).contains("2001"))
        .anySatisfy(l -> assertThat(l).contains("4001"));
  }

  /** What the MSM's CA issued under alice.acme.example, as opaque octets for the wire. */
  private static final byte[] ALICES_CERTIFICATE = new byte[301];

  static {
    new Random(5).nextBytes(ALICES_CERTIFICATE);
  }

  /**
   * The MSM's side for one node: alice@acme.example at 10.1.0.3, whose key is {@link #KEY}, also
   * certified as alice.acme.example, with {@link #ALICES_CERTIFICATE} published under that name.
   */
  private static NodeAuthority checkingKey() {
    Authorization grant =
        Authorization.admitted(
            List.of(
                new GrantedRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), 10),
                new GrantedRoute(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1)),
            List.of("permit in ip from 10.1.0.3 to 10.1.0.0/16"));
    return new NodeAuthority() {
      @Override
      public void authorize(HelloCredentials c, Consumer<Authorization> answer) {
        boolean right =
            c.identity().equals("alice@acme.example")
                && MessageDigest.isEqual(hmac(KEY, c.signedBytes()), c.authenticator());
        answer.accept(right ? grant : Authorization.refused(Authorization.Outcome.REJECTED));
      }

      @Override
      public void authorizeCertified(CertifiedNode node, Consumer<Authorization> answer) {
        answer.accept(
            node.identity().equals("alice.acme.example") && node.nonce() == 77
                ? grant
                : Authorization.refused(Authorization.Outcome.REJECTED));
      }

      @Override
      public void certificates(String realm, String dnsName, Consumer<List<byte[]>> answer) {
        answer.accept(
            dnsName.equals("alice.acme.example") ? List.of(ALICES_CERTIFICATE) : List.of());
      }
    };
  }

  /** What a sink relays of alice's hello: signed octets ending with SPI, timestamp and NAI. */
  private static HelloCredentials credentials(byte[] key, long timestamp) {
    byte[] nai = "alice@acme.example".getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[20 + 2 + 13 + nai.length];
    signed[0] = 2; // a RREP's fixed part, then the extension's type and length
    signed[20] = (byte) 230;
    signed[21] = (byte) (45 + nai.length);
    signed[22 + 2] = 1; // SPI 0x100
    for (int i = 0; i < 8; i++) {
      signed[26 + i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    signed[34] = (byte) nai.length;
    System.arraycopy(nai, 0, signed, 35, nai.length);
    return new HelloCredentials(
        "alice@acme.example",
        Ipv4Address.parse("10.1.0.3"),
        0x100,
        timestamp,
        signed,
        hmac(key, signed),
        "acme.example");
  }

  private static Authorization ask(HelloAaClient client, HelloCredentials c) throws Exception {
    CompletableFuture<Authorization> f = new CompletableFuture<>();
    client.authorize(c, f::complete);
    return f.get(15, TimeUnit.SECONDS);
  }

  private static DiameterNode node(DiameterTcp tcp, String host) throws Exception {
    Capabilities id =
        new Capabilities(
            host,
            "acme.example",
            List.of(InetAddress.getByName("127.0.0.1")),
            0,
            "mvpn",
            1,
            System.currentTimeMillis() / 1000,
            Set.of(),
            Set.of());
    return onLoop(
        tcp, () -> new DiameterNode(tcp.scheduler(), NodeSettings.of(id), tcp, new Random()));
  }

  private static <T> T onLoop(DiameterTcp tcp, java.util.concurrent.Callable<T> task)
      throws Exception {
    return tcp.scheduler().eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  private static void onLoop(DiameterTcp tcp, Runnable task) throws Exception {
    tcp.scheduler().eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String tshark(Path pcap, String... args) throws Exception {
    return LoopbackCapture.tshark(pcap, args);
  }
}
