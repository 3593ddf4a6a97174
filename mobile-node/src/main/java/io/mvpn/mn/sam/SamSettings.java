package io.mvpn.mn.sam;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mn.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The optional {@code sam:} block of the node's configuration: traffic to the correspondents it
 * names leaves in ESP on SAs the tenant's security association manager hands out (seed 000 c1).
 *
 * @param manager the manager's address; KINK (UDP 910) goes there from the home address
 * @param managerPrincipal the manager's Kerberos service principal, {@code kink/NAME@REALM}
 * @param principal the node's own principal, {@code kink/NODE@REALM}: its name is what the manager
 *     and the correspondents know it by
 * @param keytab the node's keys for {@code principal}
 * @param krb5ConfDir the directory holding the krb5.conf that names the realm's KDC
 * @param correspondents the protected peers: the manager's name for each, and its address
 * @param token the SunPKCS11 configuration of the PKCS#11 token the node keeps its SAs in (its
 *     SIM), or null: SAs in memory only
 * @param tokenPin where the token's user PIN is read: {@code file:PATH} or {@code env:NAME}; null
 *     without a token
 */
public record SamSettings(
    Ipv4Address manager,
    String managerPrincipal,
    String principal,
    Path keytab,
    Path krb5ConfDir,
    Map<String, Ipv4Address> correspondents,
    Path token,
    String tokenPin) {

  /** The block's key in the node's configuration. */
  public static final String KEY = "sam";

  /**
   * The address of the engine's own interface towards the path (a link-local address the host never
   * sees); the TUN link's address must differ from it.
   */
  public static final Ipv4Address PATH_INTERFACE = Ipv4Address.parse("169.254.77.254");

  private static final Set<String> KEYS =
      Set.of(
          "manager",
          "managerPrincipal",
          "principal",
          "keytab",
          "krb5ConfDir",
          "correspondents",
          "token",
          "tokenPin");
  private static final Pattern PIN = Pattern.compile("(file:.+|env:[A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern PRINCIPAL = Pattern.compile("kink/[A-Za-z0-9.-]{1,63}@[^@/\\s]+");
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9-]{1,63}");

  /** The node's name: its principal's instance. */
  public String node() {
    return principal.substring(5, principal.indexOf('@'));
  }

  /**
   * The block as the configuration file gives it (keys to a String or a List of them), null when
   * the file has none; {@code source} names the file in messages.
   */
  public static SamSettings parse(String source, Object block) throws ConfigException {
    if (block == null) {
      return null;
    }
    if (!(block instanceof Map<?, ?> map)) {
      throw new ConfigException(source + ": sam: expected a block of keys");
    }
    for (Object k : map.keySet()) {
      if (!KEYS.contains(k)) {
        throw new ConfigException(source + ": unknown key 'sam." + k + "'");
      }
    }
    Ipv4Address manager = address(source, "manager", required(source, map, "manager"));
    String managerPrincipal = principal(source, map, "managerPrincipal");
    String principal = principal(source, map, "principal");
    Path keytab = Path.of(required(source, map, "keytab"));
    Object dir = map.get("krb5ConfDir");
    Path krb5 = Path.of(dir == null ? "/etc" : String.valueOf(dir).trim());
    Map<String, Ipv4Address> peers = correspondents(source, map.get("correspondents"));
    if (peers.containsValue(manager)) {
      throw bad(source, "correspondents", "the manager " + manager + " is no correspondent");
    }
    Path token = map.get("token") == null ? null : Path.of(required(source, map, "token"));
    String pin = map.get("tokenPin") == null ? null : required(source, map, "tokenPin");
    if (token == null && pin != null) {
      throw bad(source, "tokenPin", "only with sam.token");
    }
    if (token != null && pin == null) {
      throw bad(source, "tokenPin", "missing (required with sam.token): file:PATH or env:NAME");
    }
    if (pin != null && !PIN.matcher(pin).matches()) {
      throw bad(source, "tokenPin", "neither file:PATH nor env:NAME (never the PIN itself)");
    }
    return new SamSettings(manager, managerPrincipal, principal, keytab, krb5, peers, token, pin);
  }

  private static Map<String, Ipv4Address> correspondents(String source, Object value)
      throws ConfigException {
    if (value == null) {
      throw bad(source, "correspondents", "missing (required): NAME=ADDRESS, one per peer");
    }
    List<?> items = value instanceof List<?> l ? l : List.of(value);
    Map<String, Ipv4Address> peers = new LinkedHashMap<>();
    for (Object item : items) {
      String text = String.valueOf(item).trim();
      int eq = text.indexOf('=');
      String name = eq < 0 ? "" : text.substring(0, eq).trim();
      if (!NODE.matcher(name).matches()) {
        throw bad(source, "correspondents", "'" + text + "' is not NAME=ADDRESS");
      }
      Ipv4Address at = address(source, "correspondents", text.substring(eq + 1).trim());
      if (peers.containsValue(at) || peers.put(name, at) != null) {
        throw bad(source, "correspondents", "'" + text + "' names a peer or address twice");
      }
    }
    if (peers.isEmpty()) {
      throw bad(source, "correspondents", "at least one NAME=ADDRESS");
    }
    return Map.copyOf(peers);
  }

  private static String principal(String source, Map<?, ?> map, String key) throws ConfigException {
    String text = required(source, map, key);
    if (!PRINCIPAL.matcher(text).matches()) {
      throw bad(source, key, "'" + text + "' is not a KINK principal kink/NAME@REALM");
    }
    return text;
  }

  private static String required(String source, Map<?, ?> map, String key) throws ConfigException {
    Object v = map.get(key);
    if (v == null || v instanceof List<?>) {
      throw bad(source, key, v == null ? "missing (required)" : "expected one value");
    }
    return String.valueOf(v).trim();
  }

  private static Ipv4Address address(String source, String key, String text)
      throws ConfigException {
    try {
      return Ipv4Address.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(source, key, "'" + text + "' is not an IPv4 address");
    }
  }

  private static ConfigException bad(String source, String key, String why) {
    return new ConfigException(source + ": sam." + key + ": " + why);
  }
}
