package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway responder's configuration, before it reaches any gateway. */
class GatewayIkeResponderTest {

  /** A configuration with these attributes, the others at their defaults. */
  static GatewayIkeResponder.Config config(Map<String, Object> attributes) {
    return (GatewayIkeResponder.Config)
        Proxy.newProxyInstance(
            GatewayIkeResponder.Config.class.getClassLoader(),
            new Class<?>[] {GatewayIkeResponder.Config.class},
            (proxy, method, args) ->
                attributes.getOrDefault(method.getName(), method.getDefaultValue()));
  }

  @Test
  void proposalsItCannotRunFailTheConfigurationWithTheWordItDidNotUnderstand() {
    assertThatThrownBy(
            () ->
                new GatewayIkeResponder()
                    .activate(config(Map.of("name", "gw1ike", "esp", "aes256gcm16,3des-sha1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'3des'");
    assertThatThrownBy(
            () ->
                new GatewayIkeResponder()
                    .activate(config(Map.of("name", "gw1ike", "ike", "aes256-sha256"))))
        .hasMessageContaining("no D-H group");
  }
}
