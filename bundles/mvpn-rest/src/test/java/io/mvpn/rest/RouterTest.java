package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

  private final Router router =
      new Router()
          .get("/api/v1/tenants", call -> "all")
          .post("/api/v1/tenants", call -> "made")
          .get("/api/v1/tenants/{tenant}", call -> call.path("tenant"))
          .delete("/api/v1/tenants/{tenant}", call -> null)
          .get("/api/v1/tenants/{tenant}/bindings", call -> "bindings");

  @Test
  void aTemplateMatchesSegmentBySegmentAndNamesItsParameters() {
    Router.Resolution r = router.resolve("GET", "/api/v1/tenants/acme/bindings");

    assertThat(r).isInstanceOf(Router.Found.class);
    Router.Found found = (Router.Found) r;
    assertThat(found.route().template()).isEqualTo("/api/v1/tenants/{tenant}/bindings");
    assertThat(found.path()).isEqualTo(Map.of("tenant", "acme"));
  }

  @Test
  void aTrailingSlashNamesTheSameResource() {
    assertThat(router.resolve("GET", "/api/v1/tenants/")).isInstanceOf(Router.Found.class);
  }

  @Test
  void aPathNoTemplateMatchesIsNotFoundEvenWithAnEmptyParameter() {
    assertThat(router.resolve("GET", "/api/v1/nothing")).isInstanceOf(Router.NotFound.class);
    assertThat(router.resolve("GET", "/api/v1/tenants//bindings"))
        .isInstanceOf(Router.NotFound.class);
    assertThat(router.resolve("GET", "/api/v1/tenants/acme/bindings/more"))
        .isInstanceOf(Router.NotFound.class);
  }

  @Test
  void aKnownPathUnderAnotherMethodIsNotAllowedAndSaysWhichAre() {
    Router.Resolution r = router.resolve("PUT", "/api/v1/tenants/acme");

    assertThat(r).isEqualTo(new Router.MethodNotAllowed(Set.of("DELETE", "GET")));
  }

  @Test
  void onlyReadingRoutesAreOpenToViewers() {
    assertThat(router.routes())
        .filteredOn(Router.Route::writes)
        .extracting(Router.Route::method)
        .containsExactlyInAnyOrder("POST", "DELETE");
    assertThat(router.routes())
        .filteredOn(route -> route.method().equals("POST"))
        .extracting(Router.Route::status)
        .containsExactly(201);
  }
}
