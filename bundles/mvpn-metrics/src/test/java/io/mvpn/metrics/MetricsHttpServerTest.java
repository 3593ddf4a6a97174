package io.mvpn.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.metrics.MetricSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + at.getPort() + path);
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachScrapeReadsTheSourcesAfreshInTheTextFormat() throws Exception {
    AtomicLong accepted = new AtomicLong(5);
    MetricSource source =
        sink ->
            sink.counter(
                "mvpn_homeagent_registration_replies",
                "Registration replies sent, by RFC 5944 reply code.",
                accepted.get(),
                "tenant",
                "acme",
                "code",
                "0");
    MetricsExposition exposition = new MetricsExposition(() -> List.of(source));
    try (MetricsHttpServer server =
        new MetricsHttpServer(new InetSocketAddress("127.0.0.1", 0), exposition)) {
      HttpResponse<String> first = get(server.address(), "/metrics");
      accepted.set(7);
      HttpResponse<String> second = get(server.address(), "/metrics");

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(first.body())
          .contains("mvpn_homeagent_registration_replies_total{code=\"0\",tenant=\"acme\"} 5.0\n");
      assertThat(second.body())
          .contains("mvpn_homeagent_registration_replies_total{code=\"0\",tenant=\"acme\"} 7.0\n");
      assertThat(get(server.address(), "/").statusCode()).isEqualTo(404);
    }
  }
}
