package io.mvpn.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.mvpn.api.events.SecurityEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exchange of the API, in the order a client meets the checks: HTTP Basic credentials (401 with
 * a challenge when missing or wrong, the failure reported as a security event), the route (404, 405
 * with {@code Allow}), the caller's role (403: viewers read, admins also write), then the resource,
 * answered as JSON. Every refusal is a JSON object {@code {status, error, field}}.
 */
public final class ApiHandler implements HttpHandler {

  /** The protection space the challenge names. */
  public static final String REALM = "mvpn";

  /** Reason of the security event a failed login reports. */
  public static final String AUTH_FAILED = "rest-auth-failed";

  /** Reason of the security event a source refused for too many failed logins reports. */
  public static final String AUTH_THROTTLED = "rest-auth-throttled";

  /** At most one stack trace of an internal error per this many nanoseconds in the log. */
  static final long ERROR_LOG_INTERVAL_NANOS = 60_000_000_000L;

  /** A tenant's description is short: a bigger body is refused before it is read whole. */
  static final int MAX_BODY = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final Router router;
  private final Authenticator authenticator;
  private final SecurityEvents events;
  private final ObjectMapper json;
  private final LoginThrottle throttle;
  private final AtomicLong lastErrorLogged = new AtomicLong();
  private final AtomicLong errorsNotLogged = new AtomicLong();

  public ApiHandler(
      Router router, Authenticator authenticator, SecurityEvents events, ObjectMapper json) {
    this(router, authenticator, events, json, new LoginThrottle(System::nanoTime));
  }

  public ApiHandler(
      Router router,
      Authenticator authenticator,
      SecurityEvents events,
      ObjectMapper json,
      LoginThrottle throttle) {
    this.router = router;
    this.authenticator = authenticator;
    this.events = events;
    this.json = json;
    this.throttle = throttle;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        answer(exchange);
      } catch (ApiException e) {
        error(exchange, e.status(), e.getMessage(), e.field());
      } catch (RuntimeException e) {
        logInternalError(exchange, e);
        error(exchange, 500, "internal error", null);
      }
    }
  }

  private void answer(HttpExchange exchange) throws IOException, ApiException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Caller caller = authenticate(exchange);
    Router.Resolution resolution = router.resolve(method, path);
    if (resolution instanceof Router.MethodNotAllowed m) {
      exchange.getResponseHeaders().set("Allow", String.join(", ", m.allowed()));
      throw new ApiException(405, null, method + " is not allowed on " + path);
    }
    if (!(resolution instanceof Router.Found found)) {
      throw ApiException.notFound("no resource " + path);
    }
    Router.Route route = found.route();
    if (route.writes() ? !caller.mayWrite() : !caller.mayRead()) {
      throw new ApiException(
          403,
          null,
          caller.user() + " may not " + (route.writes() ? "change" : "read") + " the appliance");
    }
    byte[] body = route.writes() ? body(exchange) : new byte[0];
    Object result =
        route
            .handler()
            .handle(
                new Router.Call(
                    caller, found.path(), query(exchange.getRequestURI().getRawQuery()), body));
    if (route.status() == 204 || result == null) {
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (result instanceof Dashboard.Page page) {
      sendPage(exchange, page);
      return;
    }
    send(exchange, route.status(), result);
  }

  /**
   * A dashboard file. The page may run only its own script and style and talk only to the
   * appliance; no other site may frame it.
   */
  private static void sendPage(HttpExchange exchange, Dashboard.Page page) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", page.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; frame-ancestors 'none'");
    exchange.sendResponseHeaders(200, page.content().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(page.content());
    }
  }

  private Caller authenticate(HttpExchange exchange) throws ApiException {
    String source = exchange.getRemoteAddress().getAddress().getHostAddress();
    long refusedFor = throttle.refusedForSeconds(source);
    if (refusedFor > 0) {
      events.report(null, "rest", source, AUTH_THROTTLED, "too many failed logins");
      exchange.getResponseHeaders().set("Retry-After", Long.toString(refusedFor));
      throw new ApiException(429, null, "too many failed logins; retry later");
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    Optional<String[]> basic = basicCredentials(header);
    if (basic.isPresent()) {
      char[] password = basic.get()[1].toCharArray();
      try {
        Optional<Caller> caller = authenticator.authenticate(basic.get()[0], password);
        if (caller.isPresent()) {
          return caller.get();
        }
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    if (header != null) {
      events.report(
          null,
          "rest",
          exchange.getRemoteAddress().getAddress().getHostAddress()
              + ":"
              + exchange.getRemoteAddress().getPort(),
          AUTH_FAILED,
          basic.map(c -> "wrong credentials for user " + c[0]).orElse("not HTTP Basic"));
      throttle.failed(source);
    }
    exchange
        .getResponseHeaders()
        .set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    throw new ApiException(401, null, "credentials required (HTTP Basic)");
  }

  /** The user and password of an HTTP Basic header (RFC 7617), or empty. */
  static Optional<String[]> basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }

  private static byte[] body(HttpExchange exchange) throws IOException, ApiException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new ApiException(413, null, "the body is larger than " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  /**
   * The detail of an internal error goes to the log, never to the client; one stack trace a minute
   * at most, so a client that triggers it in a loop cannot flood the log.
   */
  private void logInternalError(HttpExchange exchange, RuntimeException e) {
    long now = System.nanoTime();
    long last = lastErrorLogged.get();
    if ((last == 0 || now - last >= ERROR_LOG_INTERVAL_NANOS)
        && lastErrorLogged.compareAndSet(last, now)) {
      LOG.warn(
          "REST {} {} failed ({} more since the last one logged)",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          errorsNotLogged.getAndSet(0),
          e);
    } else {
      errorsNotLogged.incrementAndGet();
    }
  }

  /**
   * The query's parameters, decoded; the first of a repeated name. A broken escape is the client's
   * error (400); the JDK's server refuses most before they come here, URLDecoder the rest.
   */
  static Map<String, String> query(String raw) throws ApiException {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException badEscape) {
        throw ApiException.badField("query", "the query is not properly percent-encoded");
      }
    }
    return params;
  }

  private void error(HttpExchange exchange, int status, String message, String field)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    send(exchange, status, body);
  }

  private void send(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] bytes = json.writeValueAsBytes(value);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
