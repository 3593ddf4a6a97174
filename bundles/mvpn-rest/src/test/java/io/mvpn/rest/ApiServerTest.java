package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API as a client meets it, over real HTTPS with a certificate from a CA (as the appliance CA
 * issues it) and callers logged in through a JAAS realm: status codes, challenges, roles, JSON.
 */
class ApiServerTest {

  private final ObjectMapper json = new ObjectMapper();
  private final List<String> reported = new ArrayList<>();
  private final List<TenantSpec> created = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private ApiServer server;
  private volatile long now; // the login throttle's clock, nanoseconds
  private HttpClient client;

  private final SecurityEvents events =
      new SecurityEvents() {
        @Override
        public void report(
            String tenant, String function, String source, String reason, String detail) {
          reported.add(function + " " + reason + " " + detail);
        }

        @Override
        public List<SecurityEvent> recent(int limit, String tenant) {
          return List.of();
        }

        @Override
        public SortedMap<String, Long> totals() {
          return new TreeMap<>();
        }
      };

  private final TenantConfigurations tenants =
      new TenantConfigurations() {
        @Override
        public void create(TenantSpec spec, String user) throws ApiException {
          if (spec.name().toString().equals("acme")) {
            throw ApiException.conflict("name", "tenant acme is configured already");
          }
          created.add(spec);
        }

        @Override
        public boolean delete(String tenant) {
          deleted.add(tenant);
          return tenant.equals("globex");
        }
      };

  @BeforeEach
  void start() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "test CA",
            KeyType.EC_P256,
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)),
            CertificateStore.inMemory(),
            new SecureRandom());
    Credential endpoint =
        ca.issue(
            CertificateAuthority.Subject.gateway(
                "rest", Ipv4Address.parse("127.0.0.1"), "localhost"),
            KeyType.EC_P256,
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
    SSLContext tls =
        TlsContext.fromKey(
            endpoint.privateKey(), List.of(endpoint.certificate(), ca.certificate()));
    ApiResources resources =
        new ApiResources(new FixedView(), tenants, json, () -> TenantSpecTest.STRICT);
    server =
        new ApiServer(
            new InetSocketAddress("127.0.0.1", 0),
            tls,
            new ApiHandler(
                new Dashboard().addTo(resources.router()),
                TestRealm.authenticator(),
                events,
                json,
                new LoginThrottle(() -> now)));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
    client =
        HttpClient.newBuilder().sslContext(clientTls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, String user, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.address().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      String password = user.contains(":") ? "" : ":" + user;
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode body(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return json.readTree(response.body());
  }

  @Test
  void aRequestWithoutCredentialsIsChallengedAndNothingIsReported() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/tenants", null, null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"mvpn\", charset=\"UTF-8\"");
    assertThat(body(r).get("status").asInt()).isEqualTo(401);
    assertThat(reported).isEmpty();
  }

  @Test
  void aWrongPasswordIsChallengedAndReportedAsASecurityEvent() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/tenants", "mvpn:guess", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(reported).containsExactly("rest rest-auth-failed wrong credentials for user mvpn");
  }

  @Test
  void fiveFailedLoginsInAMinuteGet429ForAMinuteReportedAsSecurityEvents() throws Exception {
    for (int i = 0; i < LoginThrottle.FAILURES; i++) {
      assertThat(send("GET", "/api/v1/tenants", "mvpn:guess" + i, null).statusCode())
          .isEqualTo(401);
      now += 1_000_000_000L;
    }
    HttpResponse<String> refused = send("GET", "/api/v1/tenants", "monitor", null);
    assertThat(refused.statusCode()).as("even the right password from that source").isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(body(refused).get("status").asInt()).isEqualTo(429);
    assertThat(reported).last().isEqualTo("rest rest-auth-throttled too many failed logins");

    now += LoginThrottle.BLOCK_NANOS;
    assertThat(send("GET", "/api/v1/tenants", "monitor", null).statusCode()).isEqualTo(200);
  }

  @Test
  void failedLoginsSpreadOverMoreThanAMinuteAreNotThrottled() throws Exception {
    for (int i = 0; i < 2 * LoginThrottle.FAILURES; i++) {
      assertThat(send("GET", "/api/v1/tenants", "mvpn:guess" + i, null).statusCode())
          .isEqualTo(401);
      now += LoginThrottle.WINDOW_NANOS / (LoginThrottle.FAILURES - 1) + 1;
    }
    assertThat(send("GET", "/api/v1/tenants", "monitor", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aViewerReadsTheTenantsAsJson() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/tenants", "monitor", null);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode tenants = body(r);
    assertThat(tenants).hasSize(2);
    assertThat(tenants.get(0).get("name").asText()).isEqualTo("acme");
    assertThat(tenants.get(0).get("homeAgent").get("address").asText()).isEqualTo("198.51.100.10");
    assertThat(tenants.get(1).get("homeAgent").isNull()).isTrue();
    JsonNode binding = body(send("GET", "/api/v1/tenants/acme/bindings", "monitor", null)).get(0);
    assertThat(binding.get("careOfAddress").asText()).isEqualTo("203.0.113.11");
    assertThat(binding.get("encapsulation").asText()).isEqualTo("ip-in-ip");
  }

  @Test
  void aViewerChangingAnythingIsForbiddenAndNothingChanges() throws Exception {
    HttpResponse<String> post = send("POST", "/api/v1/tenants", "monitor", TenantSpecTest.INITECH);
    HttpResponse<String> delete = send("DELETE", "/api/v1/tenants/globex", "monitor", null);

    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(delete.statusCode()).isEqualTo(403);
    assertThat(body(post).get("error").asText()).contains("monitor may not change");
    assertThat(created).isEmpty();
    assertThat(deleted).isEmpty();
  }

  @Test
  void aUserWithoutEitherRoleMayNotEvenRead() throws Exception {
    assertThat(send("GET", "/api/v1/tenants", "nobody", null).statusCode()).isEqualTo(403);
  }

  @Test
  void anAdminAddsATenantAndRemovesOne() throws Exception {
    HttpResponse<String> post = send("POST", "/api/v1/tenants", "mvpn", TenantSpecTest.INITECH);
    HttpResponse<String> delete = send("DELETE", "/api/v1/tenants/globex", "mvpn", null);

    assertThat(post.statusCode()).isEqualTo(201);
    assertThat(body(post).get("configured")).hasSize(3);
    assertThat(created).extracting(s -> s.name().toString()).containsExactly("initech");
    assertThat(delete.statusCode()).isEqualTo(204);
    assertThat(delete.body()).isEmpty();
    assertThat(deleted).containsExactly("globex");
  }

  @Test
  void badInputIsA400NamingTheFieldAndATakenNameA409() throws Exception {
    HttpResponse<String> bad = adminPosts(TenantSpecTest.INITECH.replace("198.51.100.30", "x"));
    HttpResponse<String> notJson = send("POST", "/api/v1/tenants", "mvpn", "{name:");
    HttpResponse<String> taken =
        adminPosts(TenantSpecTest.INITECH.replace("\"initech\"", "\"acme\""));

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(body(bad).get("field").asText()).isEqualTo("homeAgent.address");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(body(taken).get("field").asText()).isEqualTo("name");
  }

  /** A tenant posted by the admin. */
  private HttpResponse<String> adminPosts(String body) throws Exception {
    return send("POST", "/api/v1/tenants", "mvpn", body);
  }

  @Test
  void aTenantWhoseKeyAliasTheKeystoreLacksIsA400WithTheReason() throws Exception {
    HttpResponse<String> post =
        adminPosts(
            TenantSpecTest.INITECH.replace("keystore:initech-mn-5", "keystore:initech-mn-9"));

    assertThat(post.statusCode()).isEqualTo(400);
    assertThat(body(post).get("field").asText()).isEqualTo("homeAgent.mobileNodes[0]");
    assertThat(post.body()).contains("no key 'initech-mn-9' in the keystore");
    assertThat(created).isEmpty();
  }

  @Test
  void unknownResourcesAre404AndWrongMethods405WithAllow() throws Exception {
    HttpResponse<String> nothing = send("GET", "/api/v1/nothing", "monitor", null);
    HttpResponse<String> noTenant =
        send("GET", "/api/v1/tenants/initrode/bindings", "monitor", null);
    HttpResponse<String> deleteAll = send("DELETE", "/api/v1/tenants", "mvpn", null);
    HttpResponse<String> deleteUnknown = send("DELETE", "/api/v1/tenants/initrode", "mvpn", null);

    assertThat(nothing.statusCode()).isEqualTo(404);
    assertThat(noTenant.statusCode()).isEqualTo(404);
    assertThat(body(noTenant).get("error").asText()).isEqualTo("no tenant initrode");
    assertThat(deleteAll.statusCode()).isEqualTo(405);
    assertThat(deleteAll.headers().firstValue("Allow")).hasValue("GET, POST");
    assertThat(deleteUnknown.statusCode()).isEqualTo(404);
  }

  @Test
  void eventsHonourTheLimitAndRefuseABadOne() throws Exception {
    JsonNode events = body(send("GET", "/api/v1/events?limit=1", "monitor", null));
    HttpResponse<String> bad = send("GET", "/api/v1/events?limit=0", "monitor", null);

    assertThat(events.get("events")).hasSize(1);
    assertThat(events.get("events").get(0).get("reason").asText()).isEqualTo("mn-ha-auth-failed");
    assertThat(events.get("totals").get("mn-ha-auth-failed").asLong()).isEqualTo(1);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(body(bad).get("field").asText()).isEqualTo("limit");
  }

  @Test
  void aClientOfferingOnlyTls12IsServed() throws Exception {
    SSLParameters only12 = new SSLParameters();
    only12.setProtocols(new String[] {"TLSv1.2"});
    HttpClient tls12 =
        HttpClient.newBuilder()
            .sslContext(client.sslContext())
            .sslParameters(only12)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + "/api/v1/tenants");

    assertThat(
            tls12
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    assertThat(TlsContext.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void theDashboardTakesALoginAndAViewerGetsItsPageScriptAndStyle() throws Exception {
    assertThat(send("GET", "/dashboard/", null, null).statusCode()).isEqualTo(401);

    HttpResponse<String> page = send("GET", "/dashboard/", "monitor", null);
    HttpResponse<String> script = send("GET", "/dashboard/dashboard.js", "monitor", null);
    HttpResponse<String> style = send("GET", "/dashboard/dashboard.css", "monitor", null);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(page.body()).contains("/dashboard/dashboard.js").contains("id=\"handovers\"");
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("/api/v1/dashboard");
    assertThat(style.statusCode()).isEqualTo(200);
    assertThat(send("GET", "/dashboard/secrets.txt", "monitor", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/dashboard/../api/v1/tenants", "monitor", null).statusCode())
        .isNotEqualTo(200);
  }

  @Test
  void aViewerReadsWhereEachNodeIsItsHandoversAndEachTenantsTraffic() throws Exception {
    JsonNode nodes = body(send("GET", "/api/v1/nodes", "monitor", null));
    JsonNode acme = body(send("GET", "/api/v1/handovers?tenant=acme", "monitor", null));
    JsonNode latest = body(send("GET", "/api/v1/handovers?limit=1", "monitor", null));
    JsonNode traffic = body(send("GET", "/api/v1/traffic", "monitor", null));

    assertThat(nodes).hasSize(2);
    assertThat(nodes.get(0).get("foreignAgent").asText()).isEqualTo("fa2");
    assertThat(nodes.get(1).get("careOfAddress").isNull()).as("at home").isTrue();
    assertThat(acme).hasSize(1);
    assertThat(acme.get(0).get("fromAgent").asText()).isEqualTo("fa1");
    assertThat(acme.get(0).get("toCareOf").asText()).isEqualTo("203.0.113.12");
    assertThat(latest).hasSize(1);
    assertThat(latest.get(0).get("tenant").asText()).isEqualTo("acme");
    assertThat(traffic.get(0).get("samples").get(0).get("receivedBytesPerSecond").asDouble())
        .isEqualTo(840);
    assertThat(traffic.get(1).get("samples")).isEmpty();
  }

  @Test
  void theDashboardsOneAnswerHoldsEverythingItDraws() throws Exception {
    JsonNode d = body(send("GET", "/api/v1/dashboard", "monitor", null));

    assertThat(d.get("tenants")).hasSize(2);
    assertThat(d.get("nodes")).hasSize(2);
    assertThat(d.get("handovers")).hasSize(2);
    assertThat(d.get("traffic")).hasSize(2);
    assertThat(d.get("events").get("events").get(0).get("reason").asText())
        .isEqualTo("mn-ha-auth-failed");
  }

  @Test
  void aBadHandoverLimitIsA400AndTheHistoriesAreReadOnly() throws Exception {
    HttpResponse<String> tooMany = send("GET", "/api/v1/handovers?limit=1001", "monitor", null);
    HttpResponse<String> post = send("POST", "/api/v1/handovers", "mvpn:mvpn", "{}");

    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(body(tooMany).get("field").asText()).isEqualTo("limit");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(send("GET", "/api/v1/traffic", null, null).statusCode()).isEqualTo(401);
  }
}
