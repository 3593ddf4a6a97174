package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.testing.MapKeyService;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantSpecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String INITECH =
      """
      {"name": "initech", "description": "Initech", "homeRealms": ["10.1.0.0/16"],
       "homeAgent": {"address": "198.51.100.30",
                     "mobileNodes": ["10.1.0.5 1000 hmac-md5 keystore:initech-mn-5"],
                     "registrationPort": 4343}}
      """;

  static final String INLINE_KEY = "00112233445566778899aabbccddeeff";

  /** The key service the API looks keys up in, with initech's node key stored. */
  static MapKeyService keys() {
    MapKeyService keys = new MapKeyService();
    keys.add("initech-mn-5", HexFormat.of().parseHex(INLINE_KEY));
    return keys;
  }

  /** Keystore keys only, as the API takes them by default. */
  static final TenantSpec.KeyPolicy STRICT = new TenantSpec.KeyPolicy(keys(), false);

  private static TenantSpec parse(String body) throws Exception {
    return TenantSpec.parse(json(body), STRICT);
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static ApiException refusal(String body) {
    try {
      parse(body);
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted " + body);
  }

  @Test
  void aTenantBecomesTheFactoryConfigurationsTheShippedCfgFilesWrite() throws Exception {
    TenantSpec spec = parse(INITECH);

    assertThat(spec.configurations())
        .extracting(TenantSpec.FactoryConfiguration::pid)
        .containsExactly(
            "io.mvpn.tenant~initech", "io.mvpn.homeagent~initech", "io.mvpn.interface~initech-mip");
    Map<String, Object> tenant = spec.configurations().get(0).properties();
    assertThat(tenant)
        .containsEntry("mvpn.tenant", "initech")
        .containsEntry("homeRealms", "10.1.0.0/16");
    Map<String, Object> ha = spec.configurations().get(1).properties();
    assertThat(ha)
        .containsEntry("tenant.target", "(mvpn.tenant=initech)")
        .containsEntry("address", "198.51.100.30")
        .containsEntry("mobileNodes", "10.1.0.5 1000 hmac-md5 keystore:initech-mn-5")
        .containsEntry("maxLifetime", "600")
        .containsEntry("replayTolerance", "7");
    Map<String, Object> mip = spec.configurations().get(2).properties();
    assertThat(mip)
        .containsEntry("vrf", "public")
        .containsEntry("address", "198.51.100.30/32")
        .containsEntry("transport", "host:127.0.0.1:434=4343");
  }

  @Test
  void withoutARegistrationPortNoInterfaceIsConfigured() throws Exception {
    TenantSpec spec =
        parse(
            """
            {"name": "hooli", "homeRealms": ["10.9.0.0/16"],
             "homeAgent": {"address": "198.51.100.40"}}
            """);

    assertThat(spec.configurations()).hasSize(2);
    assertThat(spec.description()).isEmpty();
  }

  @Test
  void eachBadFieldIsNamedInTheRefusal() {
    assertThat(refusal("[]").field()).isEqualTo("");
    assertThat(refusal("{\"homeRealms\": [], \"homeAgent\": {}}").field()).isEqualTo("name");
    assertThat(refusal(INITECH.replace("initech", "Initech!")).field()).isEqualTo("name");
    assertThat(refusal(INITECH.replace("10.1.0.0/16\"]", "10.1.0.0/33\"]")).field())
        .isEqualTo("homeRealms[0]");
    assertThat(refusal(INITECH.replace("198.51.100.30", "198.51.100.300")).field())
        .isEqualTo("homeAgent.address");
    assertThat(refusal(INITECH.replace("hmac-md5", "hmac-crc32")).field())
        .isEqualTo("homeAgent.mobileNodes[0]");
    assertThat(refusal(INITECH.replace("4343", "70000")).field())
        .isEqualTo("homeAgent.registrationPort");
    assertThat(refusal(INITECH.replace("\"description\"", "\"colour\"")).field())
        .isEqualTo("colour");
  }

  @Test
  void aMobileNodeOutsideTheHomeRealmsIsRefusedAsTheHomeAgentWould() {
    ApiException e = refusal(INITECH.replace("\"10.1.0.5 1000", "\"10.2.0.5 1000"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("homeAgent.mobileNodes[0]");
    assertThat(e.getMessage()).contains("outside the home realms");
  }

  @Test
  void aCommaCannotSmuggleASecondKeyIntoTheCfgList() {
    assertThatThrownBy(
            () ->
                parse(
                    INITECH.replace(
                        "keystore:initech-mn-5\"",
                        "keystore:initech-mn-5, 10.1.0.6 1 hmac-md5 00\"")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.field()).isEqualTo("homeAgent.mobileNodes[0]"));
  }

  @Test
  void aKeystoreAliasIsLookedUpAndTheCfgNamesTheAliasNeverTheKey() throws Exception {
    TenantSpec spec = parse(INITECH);

    assertThat(spec.inlineKeyFields()).isEmpty();
    assertThat(spec.configurations().get(1).properties().toString()).doesNotContain(INLINE_KEY);
  }

  @Test
  void anAliasTheKeystoreDoesNotHoldIsRefusedWithTheReason() {
    ApiException e = refusal(INITECH.replace("initech-mn-5", "initech-mn-6"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("homeAgent.mobileNodes[0]");
    assertThat(e.getMessage()).contains("no key 'initech-mn-6' in the keystore");
  }

  @Test
  void anAliasWithoutAKeyServiceRunningIsRefusedWithTheReason() {
    assertThatThrownBy(() -> TenantSpec.parse(json(INITECH), new TenantSpec.KeyPolicy(null, true)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getMessage()).contains("no key service is running"));
  }

  @Test
  void inlineHexIsRefusedByDefaultAndSaysWhereTheKeyBelongs() {
    ApiException e = refusal(INITECH.replace("keystore:initech-mn-5", INLINE_KEY));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("homeAgent.mobileNodes[0]");
    assertThat(e.getMessage()).contains("mvpn:keys add").contains("keystore:ALIAS");
  }

  @Test
  void inlineHexAllowedByTheOperatorIsTakenAndItsFieldNotedForTheWarning() throws Exception {
    String body =
        INITECH.replace(
            "\"registrationPort\"",
            "\"foreignAgents\": [\"203.0.113.11 300 hmac-md5 "
                + INLINE_KEY
                + "\"],"
                + " \"registrationPort\"");
    TenantSpec spec = TenantSpec.parse(json(body), new TenantSpec.KeyPolicy(keys(), true));

    assertThat(spec.inlineKeyFields()).containsExactly("homeAgent.foreignAgents[0]");
    assertThat(spec.foreignAgents()).containsExactly("203.0.113.11 300 hmac-md5 " + INLINE_KEY);
  }

  @Test
  void aRefusalOfAStoredKeysLineNeverQuotesTheKeysBytes() {
    String body = INITECH.replace("hmac-md5", "hmac-crc32");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getMessage()).doesNotContain(INLINE_KEY));
  }
}
