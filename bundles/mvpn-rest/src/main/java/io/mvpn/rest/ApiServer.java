package io.mvpn.rest;

import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The API on an HTTPS socket of its own, through the JDK's server. A few threads serve requests: a
 * JAAS login reads the users file, and a tenant's creation waits on Config Admin, so one slow
 * request should not hold the dashboard's reads; the bound keeps a flood from costing more.
 *
 * <p>A client that sends its request or reads the answer slowly would hold one of those threads
 * (and a connection) for as long as it likes: the JDK's server closes a connection whose request
 * takes longer than {@code sun.net.httpserver.maxReqTime} or whose response takes longer than
 * {@code maxRspTime} (seconds), and accepts at most {@code jdk.httpserver.maxConnections}. It reads
 * these system properties once, when its first server is made (JDK 17's {@code ServerConfig}); they
 * are set here unless the operator set them (bin/setenv, etc/system.properties).
 */
public final class ApiServer implements AutoCloseable {

  static final int THREADS = 4;

  static final Map<String, String> SERVER_LIMITS =
      Map.of(
          "sun.net.httpserver.maxReqTime", "20",
          "sun.net.httpserver.maxRspTime", "60",
          "jdk.httpserver.maxConnections", "64",
          "sun.net.httpserver.idleInterval", "30");

  static {
    SERVER_LIMITS.forEach(
        (name, value) -> {
          if (System.getProperty(name) == null) {
            System.setProperty(name, value);
          }
        });
  }

  private final HttpsServer server;
  private final ExecutorService threads;

  public ApiServer(InetSocketAddress address, SSLContext tls, ApiHandler handler)
      throws IOException {
    server = HttpsServer.create(address, 32);
    server.setHttpsConfigurator(TlsContext.configurator(tls));
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "mvpn-rest-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", handler);
    server.start();
  }

  /** Where the server listens (port 0 given: the one the system chose). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
