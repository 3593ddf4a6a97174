package io.mvpn.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's routes: a method and a path template such as {@code /api/v1/tenants/{tenant}} each,
 * matched segment by segment. A path no template matches is 404; a path some template matches under
 * other methods only is 405 with those methods.
 */
public final class Router {

  /** What a route does with a request: the value to answer as JSON (null for no body). */
  @FunctionalInterface
  public interface Handler {
    Object handle(Call call) throws ApiException;
  }

  /** One request as a handler sees it. */
  public record Call(
      Caller caller, Map<String, String> path, Map<String, String> query, byte[] body) {

    /** A path parameter, by the name in braces in the template. */
    public String path(String name) {
      return path.get(name);
    }
  }

  /**
   * @param status the status of a successful answer (200, 201 for a creation, 204 without body)
   */
  public record Route(String method, String template, int status, Handler handler) {

    public Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(handler, "handler");
    }

    /** Whether the route changes the appliance (an admin's), rather than reading it. */
    public boolean writes() {
      return !method.equals("GET");
    }

    /** The path parameters, or null if {@code path} does not match the template. */
    Map<String, String> match(String[] segments) {
      String[] parts = template.substring(1).split("/");
      if (parts.length != segments.length) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].startsWith("{")) {
          if (segments[i].isEmpty()) {
            return null;
          }
          params.put(parts[i].substring(1, parts[i].length() - 1), segments[i]);
        } else if (!parts[i].equals(segments[i])) {
          return null;
        }
      }
      return params;
    }
  }

  /** What a method and path resolve to. */
  public sealed interface Resolution {}

  public record Found(Route route, Map<String, String> path) implements Resolution {}

  public record NotFound() implements Resolution {}

  public record MethodNotAllowed(Set<String> allowed) implements Resolution {}

  private final List<Route> routes = new ArrayList<>();

  public Router get(String template, Handler handler) {
    return add(new Route("GET", template, 200, handler));
  }

  public Router post(String template, Handler handler) {
    return add(new Route("POST", template, 201, handler));
  }

  public Router delete(String template, Handler handler) {
    return add(new Route("DELETE", template, 204, handler));
  }

  public Router add(Route route) {
    if (!route.template().startsWith("/")) {
      throw new IllegalArgumentException("template " + route.template() + " is not absolute");
    }
    routes.add(route);
    return this;
  }

  /** Every route, in the order added. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /**
   * @param path the request's path, decoded, without the query
   */
  public Resolution resolve(String method, String path) {
    if (!path.startsWith("/")) {
      return new NotFound();
    }
    String trimmed =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] segments = trimmed.substring(1).split("/", -1);
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Map<String, String> params = r.match(segments);
      if (params != null) {
        if (r.method().equals(method)) {
          return new Found(r, params);
        }
        allowed.add(r.method());
      }
    }
    return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(allowed);
  }
}
