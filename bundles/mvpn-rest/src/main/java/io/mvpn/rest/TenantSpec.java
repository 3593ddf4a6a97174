package io.mvpn.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.packet.mip.AssociationSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A tenant and its home agent as {@code POST /api/v1/tenants} takes them, checked field by field
 * before anything is configured: the same rules the tenant and home agent components apply when
 * they read their cfg files, so a tenant the API accepts comes up, and one it refuses names the
 * field at fault ({@code homeAgent.mobileNodes[0]}).
 *
 * <p>Keys (the last word of each mobile node and foreign agent line) are named as {@code
 * keystore:ALIAS}, looked up in the key service when the request comes: an alias it does not hold
 * is refused with the field and the reason, so a tenant is never configured to wait for a key that
 * is not there. Inline hex is refused unless the API's configuration allows it; then it is taken
 * and the fields that hold it are noted for the one WARN line the cfg path logs too.
 *
 * @param registrationPort the host's UDP port (on 127.0.0.1) where mobile node programs on this
 *     host reach the home agent's registration port 434, as {@code io.mvpn.interface-acme-mip.cfg}
 *     does for acme; 0 for none
 * @param inlineKeyFields the fields that hold a key as inline hex (empty unless allowed)
 */
public record TenantSpec(
    MvpnId name,
    String description,
    List<Prefix> homeRealms,
    Ipv4Address homeAgent,
    List<String> mobileNodes,
    List<String> foreignAgents,
    int maxLifetime,
    int replayTolerance,
    int registrationPort,
    Set<String> inlineKeyFields) {

  public static final String TENANT_PID = "io.mvpn.tenant";
  public static final String HOME_AGENT_PID = "io.mvpn.homeagent";
  public static final String INTERFACE_PID = "io.mvpn.interface";

  /** Where an operator allows inline keys through the API. */
  static final String INLINE_KEYS_CFG = "etc/io.mvpn.rest.cfg";

  private static final Set<String> FIELDS =
      Set.of("name", "description", "homeRealms", "homeAgent");
  private static final Set<String> HOME_AGENT_FIELDS =
      Set.of(
          "address",
          "mobileNodes",
          "foreignAgents",
          "maxLifetime",
          "replayTolerance",
          "registrationPort");

  /** One factory configuration to create: PID {@code factoryPid~name}. */
  public record FactoryConfiguration(
      String factoryPid, String name, Map<String, Object> properties) {

    public String pid() {
      return factoryPid + "~" + name;
    }
  }

  /**
   * How the API takes keys: from this key service (null when none runs, and then every {@code
   * keystore:} name is refused), and inline hex only when {@code inlineAllowed}.
   */
  public record KeyPolicy(KeyService keys, boolean inlineAllowed) {}

  /** Reads and checks a request body, its keys by {@code policy}. */
  public static TenantSpec parse(JsonNode body, KeyPolicy policy) throws ApiException {
    if (body == null || !body.isObject()) {
      throw ApiException.badField("", "the body must be a JSON object");
    }
    unknownFields(body, FIELDS, "");
    MvpnId name = read("name", text(body, "name", true), MvpnId::of);
    String description = text(body, "description", false);
    if (description != null
        && (description.length() > 200
            || description.chars().anyMatch(Character::isISOControl)
            || description.contains("${"))) {
      // It goes into a cfg file, where Karaf would expand ${...}.
      throw ApiException.badField(
          "description", "at most 200 characters, no control characters and no ${");
    }
    List<Prefix> realms = new ArrayList<>();
    for (String p : strings(body, "homeRealms", true)) {
      realms.add(read("homeRealms[" + realms.size() + "]", p, Prefix::parse));
    }
    if (realms.isEmpty()) {
      throw ApiException.badField("homeRealms", "at least one prefix");
    }
    JsonNode ha = body.get("homeAgent");
    if (ha == null || !ha.isObject()) {
      throw ApiException.badField("homeAgent", "an object with the home agent's address");
    }
    unknownFields(ha, HOME_AGENT_FIELDS, "homeAgent.");
    Ipv4Address address =
        read("homeAgent.address", text(ha, "homeAgent.address", true), Ipv4Address::parse);
    ConfiguredKeys keys = new ConfiguredKeys(policy.keys());
    Set<String> inline = new TreeSet<>();
    List<String> nodes = strings(ha, "homeAgent.mobileNodes", false);
    for (int i = 0; i < nodes.size(); i++) {
      AssociationSpec key =
          association(keys, policy, "homeAgent.mobileNodes[" + i + "]", nodes.get(i), inline);
      if (realms.stream().noneMatch(r -> r.contains(key.peer()))) {
        throw ApiException.badField(
            "homeAgent.mobileNodes[" + i + "]",
            "mobile node " + key.peer() + " is outside the home realms " + realms);
      }
    }
    List<String> agents = strings(ha, "homeAgent.foreignAgents", false);
    for (int i = 0; i < agents.size(); i++) {
      association(keys, policy, "homeAgent.foreignAgents[" + i + "]", agents.get(i), inline);
    }
    return new TenantSpec(
        name,
        description == null ? "" : description,
        realms,
        address,
        nodes,
        agents,
        integer(ha, "homeAgent.maxLifetime", 600, 1, 0xFFFF),
        integer(ha, "homeAgent.replayTolerance", 7, 4, 3600),
        integer(ha, "homeAgent.registrationPort", 0, 1, 0xFFFF),
        Set.copyOf(inline));
  }

  /**
   * One {@code PEER SPI ALGORITHM KEY} line, its key looked up or (when allowed) taken inline and
   * noted in {@code inline}. A refusal's reason never quotes a stored key's bytes.
   */
  private static AssociationSpec association(
      ConfiguredKeys keys, KeyPolicy policy, String field, String line, Set<String> inline)
      throws ApiException {
    String[] words = line.split("\\s+");
    String key = words[words.length - 1];
    if (words.length > 1 && !ConfiguredKeys.isReference(key)) {
      if (!policy.inlineAllowed()) {
        throw ApiException.badField(
            field,
            "keys are not taken inline: store it with mvpn:keys add ALIAS --hex - and write "
                + ConfiguredKeys.PREFIX
                + "ALIAS (inlineKeys = warn in "
                + INLINE_KEYS_CFG
                + " takes hex)");
      }
      inline.add(field);
    }
    try {
      String resolved = keys.lastWords(field, List.of(line)).get(0);
      return keys.read(field, () -> AssociationSpec.parse(resolved));
    } catch (InvalidConfigurationException e) {
      throw ApiException.badField(field, e.reason());
    } catch (RuntimeException e) {
      throw ApiException.badField(field, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** The name of the interface that carries the home agent's registration port to the host. */
  public String registrationInterface() {
    return name + "-mip";
  }

  /**
   * The factory configurations that make the tenant, in the order to create them: the tenant, its
   * home agent, and the registration interface if a port was given. Values are strings, with lists
   * comma-separated, as the shipped cfg files write them.
   */
  public List<FactoryConfiguration> configurations() {
    List<FactoryConfiguration> all = new ArrayList<>();
    Map<String, Object> tenant = new LinkedHashMap<>();
    tenant.put("mvpn.tenant", name.toString());
    tenant.put("description", description);
    tenant.put("homeRealms", String.join(", ", homeRealms.stream().map(Prefix::toString).toList()));
    all.add(new FactoryConfiguration(TENANT_PID, name.toString(), tenant));
    Map<String, Object> ha = new LinkedHashMap<>();
    ha.put("mvpn.tenant", name.toString());
    ha.put("tenant.target", "(mvpn.tenant=" + name + ")");
    ha.put("address", homeAgent.toString());
    ha.put("mobileNodes", String.join(", ", mobileNodes));
    ha.put("foreignAgents", String.join(", ", foreignAgents));
    ha.put("maxLifetime", String.valueOf(maxLifetime));
    ha.put("replayTolerance", String.valueOf(replayTolerance));
    all.add(new FactoryConfiguration(HOME_AGENT_PID, name.toString(), ha));
    if (registrationPort > 0) {
      Map<String, Object> mip = new LinkedHashMap<>();
      mip.put("name", registrationInterface());
      mip.put("vrf", "public");
      mip.put("address", homeAgent + "/32");
      mip.put("transport", "host:127.0.0.1:434=" + registrationPort);
      mip.put("routes", "127.0.0.0/8");
      all.add(new FactoryConfiguration(INTERFACE_PID, registrationInterface(), mip));
    }
    return all;
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix)
      throws ApiException {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!known.contains(field)) {
        throw ApiException.badField(prefix + field, "unknown field");
      }
    }
  }

  private static String text(JsonNode node, String field, boolean required) throws ApiException {
    JsonNode value = node.get(last(field));
    if (value == null || value.isNull()) {
      if (required) {
        throw ApiException.badField(field, "required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badField(field, "must be a string");
    }
    return value.asText();
  }

  private static List<String> strings(JsonNode node, String field, boolean required)
      throws ApiException {
    JsonNode value = node.get(last(field));
    List<String> out = new ArrayList<>();
    if (value == null || value.isNull()) {
      if (required) {
        throw ApiException.badField(field, "required");
      }
      return out;
    }
    if (!value.isArray()) {
      throw ApiException.badField(field, "must be an array of strings");
    }
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().contains(",")) {
        throw ApiException.badField(
            field + "[" + out.size() + "]", "must be a string without commas");
      }
      out.add(item.asText().strip());
    }
    return out;
  }

  private static int integer(JsonNode node, String field, int absent, int min, int max)
      throws ApiException {
    JsonNode value = node.get(last(field));
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      throw ApiException.badField(field, "must be an integer from " + min + " to " + max);
    }
    return value.asInt();
  }

  private static String last(String field) {
    return field.substring(field.lastIndexOf('.') + 1);
  }

  private static <T> T read(String field, String text, Function<String, T> parser)
      throws ApiException {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw ApiException.badField(field, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}
