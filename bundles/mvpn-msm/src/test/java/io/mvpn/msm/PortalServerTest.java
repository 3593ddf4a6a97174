package io.mvpn.msm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The portal over real HTTP on loopback, driven by the JDK's HTTP client. */
class PortalServerTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final MemberId ALICE = new MemberId(ACME, FIVE);
  static final MemberId BOB = new MemberId(GLOBEX, FIVE);
  static final MemberId CAROL = new MemberId(INITECH, Ipv4Address.parse("10.9.0.9"));
  static final String ALICE_TOKEN = "alice-0123456789abcdef";
  static final String BOB_TOKEN = "bob-0123456789abcdef00";
  static final String CAROL_TOKEN = "carol-0123456789abcdef";

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  InMemoryWorkgroupDirectory directory;
  WorkgroupPortal portal;
  EventLoopGroup group;
  PortalServer server;
  String base;

  @BeforeEach
  void start() throws Exception {
    directory = new InMemoryWorkgroupDirectory();
    directory.putMember(
        new Member(ALICE, "alice.acme.example", Ipv4Address.parse("198.51.100.10")));
    directory.putMember(new Member(BOB, "bob.globex.example", Ipv4Address.parse("198.51.100.20")));
    directory.putMember(
        new Member(CAROL, "carol.initech.example", Ipv4Address.parse("203.0.113.30")));
    directory.addWorkgroup("bridge");
    portal = new WorkgroupPortal(directory, Map.of("bridge", Set.of(ACME, GLOBEX)));
    portal.addCredential(ALICE_TOKEN, ALICE);
    portal.addCredential(BOB_TOKEN, BOB);
    portal.addCredential(CAROL_TOKEN, CAROL);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = PortalServer.start(portal, new InetSocketAddress("127.0.0.1", 0), group);
    base = "http://127.0.0.1:" + server.address().getPort() + "/api/v1/";
  }

  @AfterEach
  void stop() {
    server.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String signOn(MemberId m) {
    return "{\"tenant\":\"" + m.tenant() + "\",\"privateAddress\":\"" + m.privateAddress() + "\"}";
  }

  @Test
  void membersSignOnAndSeeEachOthersNamesAddressesAndGateways() throws Exception {
    assertThat(call("POST", "workgroups/bridge/members", ALICE_TOKEN, signOn(ALICE)).statusCode())
        .isEqualTo(201);
    HttpResponse<String> r = call("POST", "workgroups/bridge/members", BOB_TOKEN, signOn(BOB));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode list = json.readTree(r.body()).get("members");
    // Bob sees Alice: same private address, told apart by her gateway (c5, c13).
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("fqdn").asText()).isEqualTo("alice.acme.example");
    assertThat(list.get(0).get("privateAddress").asText()).isEqualTo("10.1.0.5");
    assertThat(list.get(0).get("gatewayAddress").asText()).isEqualTo("198.51.100.10");
    JsonNode aliceView =
        json.readTree(call("GET", "workgroups/bridge/members", ALICE_TOKEN, null).body());
    assertThat(aliceView.get("members").get(0).get("fqdn").asText())
        .isEqualTo("bob.globex.example");
    assertThat(json.readTree(call("GET", "workgroups", ALICE_TOKEN, null).body()).get("workgroups"))
        .extracting(JsonNode::asText)
        .containsExactly("bridge");
  }

  @Test
  void changesTellMembersWhoJoinedAndLeft() throws Exception {
    call("POST", "workgroups/bridge/members", ALICE_TOKEN, signOn(ALICE));
    long v =
        json.readTree(call("GET", "changes?since=0", ALICE_TOKEN, null).body())
            .get("version")
            .asLong();
    call("POST", "workgroups/bridge/members", BOB_TOKEN, signOn(BOB));
    assertThat(call("DELETE", "workgroups/bridge/members/me", BOB_TOKEN, null).statusCode())
        .isEqualTo(204);
    JsonNode changes = json.readTree(call("GET", "changes?since=" + v, ALICE_TOKEN, null).body());
    assertThat(changes.get("changes"))
        .extracting(c -> c.get("type").asText() + " " + c.get("fqdn").asText())
        .containsExactly("member_joined bob.globex.example", "member_left bob.globex.example");
    // Carol is in no workgroup: she learns nothing of bridge.
    assertThat(
            json.readTree(call("GET", "changes?since=0", CAROL_TOKEN, null).body()).get("changes"))
        .isEmpty();
  }

  @Test
  void badCallsGetClearErrorsAndChangeNothing() throws Exception {
    call("POST", "workgroups/bridge/members", ALICE_TOKEN, signOn(ALICE));
    long before = directory.workgroup("bridge").orElseThrow().members().size();
    record Case(String method, String path, String token, String body, int status, String error) {}
    for (Case c :
        new Case[] {
          new Case("GET", "workgroups/bridge/members", null, null, 401, "unauthenticated"),
          new Case(
              "GET",
              "workgroups/bridge/members",
              "wrong-token-0123456789",
              null,
              401,
              "unauthenticated"),
          new Case("POST", "workgroups/bridge/members", BOB_TOKEN, "{not json", 400, "bad-json"),
          new Case("POST", "workgroups/bridge/members", BOB_TOKEN, "[]", 400, "bad-json"),
          new Case(
              "POST",
              "workgroups/bridge/members",
              BOB_TOKEN,
              "{\"tenant\":\"globex\"}",
              400,
              "bad-request"),
          new Case(
              "POST",
              "workgroups/bridge/members",
              BOB_TOKEN,
              "{\"tenant\":\"globex\",\"privateAddress\":\"10.1.0.300\"}",
              400,
              "bad-request"),
          new Case("POST", "workgroups/bridge/members", BOB_TOKEN, signOn(ALICE), 403, "not-you"),
          new Case(
              "POST", "workgroups/bridge/members", CAROL_TOKEN, signOn(CAROL), 403, "not-admitted"),
          new Case(
              "POST", "workgroups/nope/members", BOB_TOKEN, signOn(BOB), 404, "unknown-workgroup"),
          new Case("GET", "workgroups/bridge/members", BOB_TOKEN, null, 403, "not-a-member"),
          new Case("DELETE", "workgroups/bridge/members/me", BOB_TOKEN, null, 404, "not-a-member"),
          new Case("GET", "changes?since=x", ALICE_TOKEN, null, 400, "bad-request"),
          new Case("PUT", "workgroups", ALICE_TOKEN, "{}", 405, "method-not-allowed"),
        }) {
      HttpResponse<String> r = call(c.method(), c.path(), c.token(), c.body());
      assertThat(r.statusCode()).as(c.toString()).isEqualTo(c.status());
      assertThat(json.readTree(r.body()).get("error").asText())
          .as(c.toString())
          .isEqualTo(c.error());
      assertThat(r.headers().firstValue("content-type")).contains("application/json");
    }
    assertThat(directory.workgroup("bridge").orElseThrow().members()).hasSize((int) before);
  }

  @Test
  void aCallerVerifierRefusesATokenFromAConnectionOfAnotherMember() throws Exception {
    call("POST", "workgroups/bridge/members", ALICE_TOKEN, signOn(ALICE));
    call("POST", "workgroups/bridge/members", BOB_TOKEN, signOn(BOB));
    // Say the connections come from where only bob may be (what the backbone's NAPT tells).
    portal.setCallerVerifier(
        (member, remote) -> member.equals(BOB) && remote.getAddress().isLoopbackAddress());
    HttpResponse<String> alice = call("GET", "workgroups/bridge/members", ALICE_TOKEN, null);
    assertThat(alice.statusCode()).isEqualTo(403);
    assertThat(json.readTree(alice.body()).get("error").asText()).isEqualTo("not-you");
    assertThat(call("GET", "workgroups/bridge/members", BOB_TOKEN, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIsRefused() throws Exception {
    HttpResponse<String> r =
        call("POST", "workgroups/bridge/members", BOB_TOKEN, "x".repeat(PortalServer.MAX_BODY + 1));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(directory.workgroup("bridge").orElseThrow().members()).isEmpty();
  }
}
