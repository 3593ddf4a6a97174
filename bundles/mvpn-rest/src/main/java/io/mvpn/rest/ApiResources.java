package io.mvpn.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The API's resources under {@value #BASE}: what each route reads from the {@link ApplianceView} or
 * changes through the {@link TenantConfigurations}. The OpenAPI document ({@value
 * #OPENAPI_RESOURCE}) describes exactly these routes; a test holds the two together.
 */
public final class ApiResources {

  public static final String BASE = "/api/v1";
  public static final String OPENAPI_RESOURCE = "/io/mvpn/rest/openapi.json";

  /** Events answered when the caller gives no limit, and the most it may ask for. */
  static final int DEFAULT_EVENTS = 100;

  static final int MAX_EVENTS = 1000;

  /** Handovers answered when the caller gives no limit, and the most it may ask for. */
  static final int DEFAULT_HANDOVERS = 100;

  static final int MAX_HANDOVERS = 1000;

  /** What the dashboard's one answer holds of the timeline and of the events. */
  static final int DASHBOARD_HANDOVERS = 50;

  static final int DASHBOARD_EVENTS = 20;

  private final ApplianceView view;
  private final TenantConfigurations tenants;
  private final ObjectMapper json;
  private final JsonNode openApi;
  private final Supplier<TenantSpec.KeyPolicy> keyPolicy;

  /**
   * @param keyPolicy how a tenant's keys are taken at the moment of the request (the key service
   *     comes and goes with its bundle)
   */
  public ApiResources(
      ApplianceView view,
      TenantConfigurations tenants,
      ObjectMapper json,
      Supplier<TenantSpec.KeyPolicy> keyPolicy) {
    this.view = view;
    this.tenants = tenants;
    this.json = json;
    this.keyPolicy = keyPolicy;
    this.openApi = openApiDocument(json);
  }

  /** The OpenAPI document shipped in the bundle. */
  public static JsonNode openApiDocument(ObjectMapper json) {
    try (InputStream in = ApiResources.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the bundle");
      }
      return json.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }

  /** A router with every resource of the API. */
  public Router router() {
    return new Router()
        .get(BASE + "/openapi.json", call -> openApi)
        .get(BASE + "/tenants", call -> view.tenants())
        .post(BASE + "/tenants", this::addTenant)
        .get(BASE + "/tenants/{tenant}", call -> tenant(call.path("tenant")))
        .delete(BASE + "/tenants/{tenant}", this::removeTenant)
        .get(
            BASE + "/tenants/{tenant}/bindings",
            call -> view.bindings(tenant(call.path("tenant")).name()))
        .get(
            BASE + "/tenants/{tenant}/routes",
            call -> view.routes(tenant(call.path("tenant")).name()))
        .get(BASE + "/visitors", call -> view.visitors())
        .get(BASE + "/sas", call -> view.securityAssociations())
        .get(BASE + "/counters", call -> view.counters())
        .get(BASE + "/events", this::events)
        .get(BASE + "/nodes", call -> view.nodes())
        .get(BASE + "/handovers", this::handovers)
        .get(BASE + "/traffic", call -> view.traffic())
        .get(BASE + "/dashboard", call -> dashboard());
  }

  private ApplianceView.TenantView tenant(String name) throws ApiException {
    return view.tenant(name).orElseThrow(() -> ApiException.notFound("no tenant " + name));
  }

  private Object addTenant(Router.Call call) throws ApiException {
    JsonNode body;
    try {
      body = json.readTree(call.body());
    } catch (JsonProcessingException e) {
      throw ApiException.badField("", "the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badField("", "the body is not JSON: " + e.getMessage());
    }
    TenantSpec spec = TenantSpec.parse(body, keyPolicy.get());
    tenants.create(spec, call.caller().user());
    return Map.of(
        "name",
        spec.name().toString(),
        "configured",
        spec.configurations().stream().map(TenantSpec.FactoryConfiguration::pid).toList());
  }

  private Object removeTenant(Router.Call call) throws ApiException {
    String name = call.path("tenant");
    if (!tenants.delete(name)) {
      throw ApiException.notFound("no tenant " + name + " is configured");
    }
    return null;
  }

  private Object events(Router.Call call) throws ApiException {
    return view.events(limit(call, DEFAULT_EVENTS, MAX_EVENTS), call.query().get("tenant"));
  }

  private Object handovers(Router.Call call) throws ApiException {
    return view.handovers(
        limit(call, DEFAULT_HANDOVERS, MAX_HANDOVERS), call.query().get("tenant"));
  }

  private ApplianceView.DashboardView dashboard() {
    return new ApplianceView.DashboardView(
        view.tenants(),
        view.nodes(),
        view.handovers(DASHBOARD_HANDOVERS, null),
        view.traffic(),
        view.events(DASHBOARD_EVENTS, null));
  }

  /** The query's {@code limit}: absent, the default; else an integer from 1 to {@code max}. */
  private static int limit(Router.Call call, int absent, int max) throws ApiException {
    String limit = call.query().get("limit");
    if (limit == null) {
      return absent;
    }
    int n;
    try {
      n = Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > max) {
      throw ApiException.badField("limit", "must be an integer from 1 to " + max);
    }
    return n;
  }
}
