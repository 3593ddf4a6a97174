package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the API serves is valid OpenAPI 3.0 as a real tool reads it, and describes
 * exactly the routes the router knows: no route undocumented, no documented path without a route.
 */
class OpenApiDocumentTest {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theDocumentIsValidOpenApi30() throws Exception {
    String text = json.writeValueAsString(ApiResources.openApiDocument(json));
    ParseOptions options = new ParseOptions();
    options.setResolve(true);

    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.0.");
    assertThat(result.getOpenAPI().getComponents().getSecuritySchemes()).containsKey("basic");
  }

  @Test
  void theValidatorRefusesADocumentThatBreaksTheSpecification() throws Exception {
    JsonNode broken = ApiResources.openApiDocument(json).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken).remove("info");
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("paths"))
        .putObject("/api/v1/tenants/{tenant}/extra")
        .putObject("get")
        .putObject("responses");

    SwaggerParseResult result =
        new OpenAPIV3Parser()
            .readContents(json.writeValueAsString(broken), null, new ParseOptions());

    assertThat(result.getMessages()).isNotEmpty();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
    Router router =
        new ApiResources(new FixedView(), null, json, () -> TenantSpecTest.STRICT).router();
    Set<String> routed =
        router.routes().stream()
            .map(r -> r.method() + " " + r.template())
            .collect(Collectors.toCollection(TreeSet::new));

    Set<String> documented = new TreeSet<>();
    JsonNode paths = ApiResources.openApiDocument(json).get("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (METHODS.contains(m)) {
                  documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
              });
    }

    assertThat(documented).isEqualTo(routed);
  }

  @Test
  void everyWritingOperationDocumentsTheForbiddenAnswer() {
    JsonNode paths = ApiResources.openApiDocument(json).get("paths");
    new ApiResources(new FixedView(), null, json, () -> TenantSpecTest.STRICT)
        .router().routes().stream()
            .filter(Router.Route::writes)
            .forEach(
                r ->
                    assertThat(
                            paths
                                .get(r.template())
                                .get(r.method().toLowerCase(Locale.ROOT))
                                .get("responses")
                                .has("403"))
                        .as(r.method() + " " + r.template())
                        .isTrue());
  }
}
