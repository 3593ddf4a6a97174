package io.mvpn.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} on a socket of its own, through the JDK's HTTP server. One thread serves
 * scrapes one at a time: Prometheus scrapes every few seconds at most, and a scrape reads counters,
 * so a queue never forms; a slow client cannot hold more than that one thread.
 */
public final class MetricsHttpServer implements AutoCloseable {

  public static final String PATH = "/metrics";

  private final HttpServer server;
  private final ExecutorService thread;

  public MetricsHttpServer(InetSocketAddress address, MetricsExposition exposition)
      throws IOException {
    server = HttpServer.create(address, 16);
    thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mvpn-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(thread);
    server.createContext("/", exchange -> serve(exchange, exposition));
    server.start();
  }

  /** The address the server listens on (port 0 given: the one the system chose). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void serve(HttpExchange exchange, MetricsExposition exposition)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        plain(exchange, 404, "not found: the metrics are at " + PATH + "\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        plain(exchange, 405, "method not allowed\n");
      } else {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        exposition.write(body);
        exchange.getResponseHeaders().set("Content-Type", MetricsExposition.CONTENT_TYPE);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.size());
        if (!head) {
          try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
          }
        }
      }
    } catch (RuntimeException e) {
      // The exchange is closed; the scraper sees a cut response and counts a failed scrape.
      throw new IOException("scrape failed", e);
    }
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
