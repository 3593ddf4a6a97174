package io.mvpn.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web dashboard: a page, a script and a style sheet from the bundle, served at {@value #PATH}
 * behind the API's own login (a viewer suffices). The script polls {@code /api/v1/dashboard} twice
 * a second and draws what it answers; nothing is built at run time and nothing is fetched from
 * anywhere but the appliance.
 */
public final class Dashboard {

  public static final String PATH = "/dashboard";

  static final String FOLDER = "/io/mvpn/rest/dashboard/";

  static final String INDEX = "index.html";

  private static final Map<String, String> TYPES =
      Map.of(
          INDEX,
          "text/html; charset=utf-8",
          "dashboard.js",
          "text/javascript; charset=utf-8",
          "dashboard.css",
          "text/css; charset=utf-8");

  /** A file of the dashboard, as the handler sends it. */
  public record Page(String contentType, byte[] content) {}

  private final Map<String, Page> pages = new LinkedHashMap<>();

  public Dashboard() {
    TYPES.forEach((name, type) -> pages.put(name, new Page(type, read(name))));
  }

  private static byte[] read(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException(FOLDER + name + " is missing from the bundle");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + FOLDER + name, e);
    }
  }

  /** Adds the dashboard's routes (reads: a viewer may see them) to {@code router}. */
  public Router addTo(Router router) {
    return router
        .get(PATH, call -> pages.get(INDEX))
        .get(
            PATH + "/{file}",
            call -> {
              Page page = pages.get(call.path("file"));
              if (page == null) {
                throw ApiException.notFound("no file " + call.path("file") + " in the dashboard");
              }
              return page;
            });
  }
}
