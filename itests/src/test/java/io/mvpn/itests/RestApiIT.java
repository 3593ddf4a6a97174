package io.mvpn.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The REST API on the appliance started as an operator starts it, reached over HTTPS trusting the
 * appliance CA (as {@code mvpn:ca export} hands it out) with the shipped users: strangers get 401,
 * the viewer reads both demo tenants but may not add one, the admin is refused a tenant whose key
 * alias the keystore lacks and one with an inline key, then adds a third tenant (its key stored
 * first) whose home agent registers a real mobile node on this host, sees its binding through the
 * API, and removes the tenant again.
 */
public class RestApiIT {

  private static final int PORT = 18443;
  private static final int REGISTRATION_PORT = 4353;
  private static final long WAIT_SECONDS = 90;
  private static final String KEY = "0123456789abcdef0123456789abcdef";
  private static final String ALIAS = "initech-mn-10.1.0.5";

  // The node's key is named from the keystore, as the API takes keys by default.
  private static final String INITECH =
      """
      {"name": "initech", "description": "Initech", "homeRealms": ["10.1.0.0/16"],
       "homeAgent": {"address": "198.51.100.30",
                     "mobileNodes": ["10.1.0.5 1000 hmac-md5 keystore:%s"],
                     "registrationPort": %d}}
      """
          .formatted(ALIAS, REGISTRATION_PORT);

  private HttpClient client;

  @Test
  public void strangersAre401ViewersMayNotWriteAndATenantAddedThroughTheApiRegistersANode()
      throws Exception {
    try (ApplianceProcess appliance = ApplianceProcess.withoutDemo("rest-api")) {
      appliance.writeEtc(
          "io.mvpn.rest.cfg", "address = 127.0.0.1\nport = " + PORT + "\nrealm = karaf\n");
      appliance.start();
      Path ca = appliance.home().resolve("rest-ca.crt");
      appliance.awaitShell("mvpn:ca export --out " + ca, out -> Files.exists(ca), WAIT_SECONDS);
      client = trusting(ca);

      HttpResponse<String> stranger = await("GET", "/tenants", null, null, r -> true);
      assertEquals(401, stranger.statusCode(), stranger.body());
      assertTrue(stranger.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
      assertEquals(401, send("GET", "/tenants", "mvpn:wrong", null).statusCode());

      HttpResponse<String> tenants =
          await(
              "GET",
              "/tenants",
              "monitor:monitor",
              null,
              r -> r.body().contains("\"globex\"") && r.body().contains("198.51.100.20"));
      assertTrue(tenants.body().contains("\"name\":\"acme\""), tenants.body());
      assertEquals(200, send("GET", "/openapi.json", "monitor:monitor", null).statusCode());

      HttpResponse<String> viewerPost = send("POST", "/tenants", "monitor:monitor", INITECH);
      assertEquals(403, viewerPost.statusCode(), viewerPost.body());
      assertEquals(403, send("DELETE", "/tenants/globex", "monitor:monitor", null).statusCode());
      HttpResponse<String> bad =
          send("POST", "/tenants", "mvpn:mvpn", INITECH.replace("hmac-md5", "hmac-crc"));
      assertEquals(400, bad.statusCode(), bad.body());
      assertTrue(bad.body().contains("homeAgent.mobileNodes[0]"), bad.body());
      HttpResponse<String> noKey = send("POST", "/tenants", "mvpn:mvpn", INITECH);
      assertEquals(400, noKey.statusCode(), noKey.body());
      assertTrue(noKey.body().contains("no key '" + ALIAS + "'"), noKey.body());
      HttpResponse<String> inline =
          send("POST", "/tenants", "mvpn:mvpn", INITECH.replace("keystore:" + ALIAS, KEY));
      assertEquals(400, inline.statusCode(), inline.body());

      appliance.awaitShell(
          "mvpn:keys add " + ALIAS + " --hex " + KEY, out -> out.contains("stored"), WAIT_SECONDS);

      HttpResponse<String> created = send("POST", "/tenants", "mvpn:mvpn", INITECH);
      assertEquals(201, created.statusCode(), created.body());
      assertTrue(Files.exists(appliance.home().resolve("etc/io.mvpn.tenant-initech.cfg")));
      await(
          "GET",
          "/tenants/initech",
          "monitor:monitor",
          null,
          r -> r.body().contains("198.51.100.30"));

      try (DatagramSocket mn = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        mn.setSoTimeout(2000);
        RegistrationReply reply =
            new HostMobileNode(
                    mn,
                    HexFormat.of().parseHex(KEY),
                    0xC633641E,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), REGISTRATION_PORT))
                .registerOnceListening(new long[1], WAIT_SECONDS);
        assertEquals(ReplyCode.ACCEPTED, reply.code());
      }
      HttpResponse<String> bindings =
          await(
              "GET",
              "/tenants/initech/bindings",
              "monitor:monitor",
              null,
              r -> r.body().contains("\"careOfAddress\":\"203.0.113.77\""));
      assertTrue(bindings.body().contains("\"homeAddress\":\"10.1.0.5\""), bindings.body());

      HttpResponse<String> events = send("GET", "/events?limit=50", "monitor:monitor", null);
      assertTrue(events.body().contains("rest-auth-failed"), events.body());

      assertEquals(204, send("DELETE", "/tenants/initech", "mvpn:mvpn", null).statusCode());
      await("GET", "/tenants/initech", "monitor:monitor", null, r -> r.statusCode() == 404);
      assertFalse(Files.exists(appliance.home().resolve("etc/io.mvpn.tenant-initech.cfg")));
      HttpResponse<String> left = send("GET", "/tenants", "monitor:monitor", null);
      assertFalse(left.body().contains("initech"), left.body());
    }
  }

  /** A client that trusts only the appliance CA's certificate in {@code pem}. */
  static HttpClient trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trust.setCertificateEntry(
          "mvpn-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private HttpResponse<String> send(String method, String path, String credentials, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + PORT + "/api/v1" + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (credentials != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Repeats the request every half second until {@code ready}; the endpoint starts late. */
  private HttpResponse<String> await(
      String method,
      String path,
      String credentials,
      String body,
      Predicate<HttpResponse<String>> ready)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Object last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = send(method, path, credentials, body);
        if (ready.test(r)) {
          return r;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException notYet) {
        last = notYet;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(
        method + " " + path + " not ready in " + WAIT_SECONDS + " s; last: " + last);
  }
}
