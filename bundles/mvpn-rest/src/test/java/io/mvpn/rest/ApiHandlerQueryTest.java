package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The query string as the handler reads it: decoded, and a broken escape a 400, not a 500. */
class ApiHandlerQueryTest {

  @Test
  void parametersAreDecodedAndTheFirstOfARepeatedNameCounts() throws Exception {
    assertThat(ApiHandler.query("tenant=acme%20corp&limit=5&limit=7&&flag"))
        .containsExactly(
            java.util.Map.entry("tenant", "acme corp"),
            java.util.Map.entry("limit", "5"),
            java.util.Map.entry("flag", ""));
  }

  @Test
  void aBrokenPercentEscapeIsA400NamingTheQuery() {
    for (String raw : new String[] {"limit=%zz", "limit=5%", "%g1=2"}) {
      ApiException e = catchThrowableOfType(() -> ApiHandler.query(raw), ApiException.class);
      assertThat(e).as(raw).isNotNull();
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.field()).isEqualTo("query");
      assertThat(e.getMessage()).doesNotContain("Exception");
    }
  }
}
