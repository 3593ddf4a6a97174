package io.mvpn.mn;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.mn.sam.SamSettings;
import io.mvpn.mn.vpn.VpnSettings;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one laptop's mobile node needs, read from a YAML file (docs/mobile-node.md lists the keys).
 * Every problem is one {@link ConfigException} line naming the file and the key.
 *
 * @param mode how the node registers: with a co-located care-of address or through a foreign agent
 * @param careOfAddress the host's own address on its access link: the co-located care-of address
 *     (null in foreign-agent mode, where the agent's address is the care-of address)
 * @param accessInterfaces the host's access interfaces, most preferred first: in modes
 *     foreign-agent and auto the one interface on the agent's link; in mode vpn one or more (key
 *     {@code accessInterfaces}), the node on the best one that is up with an address and the others
 *     kept warm as standbys (empty in mode colocated)
 * @param tunAddress this program's side of the TUN link (never seen outside the host)
 * @param routes what the host routes through the TUN device, sourced from the home address
 * @param homeNetwork the home link's prefix: an access link carrying an address in it is home (mode
 *     auto; null in the other modes)
 * @param agentWaitMillis how long mode auto waits for a foreign agent after a move before it takes
 *     a co-located care-of address
 * @param priority the nice value (-20 to 19) the node's event loop and link listener run at when
 *     the host lets it raise them ({@link HandoverPriority})
 * @param sam the {@code sam:} block: correspondents reached in ESP on SAs from the tenant's SA
 *     manager (null without one)
 * @param vpn the security gateway and IKE credentials of mode vpn (null in the other modes)
 */
public record MnConfig(
    Mode mode,
    Ipv4Address homeAddress,
    Ipv4Address homeAgent,
    Ipv4Address careOfAddress,
    long spi,
    MobilitySecurityAssociation.Algorithm algorithm,
    byte[] key,
    int lifetime,
    String tunDevice,
    int mtu,
    Ipv4Address tunAddress,
    List<Prefix> routes,
    Path control,
    Path pidFile,
    Path logFile,
    List<String> accessInterfaces,
    Prefix homeNetwork,
    long agentWaitMillis,
    int priority,
    SamSettings sam,
    VpnSettings vpn) {

  /** How the node reaches its home agent. */
  public enum Mode {
    /** Its own address on the access link is the care-of address; it tunnels in UDP (RFC 3519). */
    COLOCATED,
    /**
     * A foreign agent on the access link advertises itself; the node registers through it with its
     * home address as source, and the agent tunnels both ways (RFC 5944, RFC 3024).
     */
    FOREIGN_AGENT,
    /**
     * Whatever the access link offers: a foreign agent if one is heard, else a co-located care-of
     * address, and at home no tunnel at all (the node deregisters).
     */
    AUTO,
    /**
     * Seed 001: the node's own ESP tunnel (IKEv2, certificates, ESP in UDP 4500) to its network's
     * security gateway, with Mobile IP to the home agent inside it; on a move the SAs are
     * re-pointed at the new care-of address (handover fast) or set up anew (handover reestablish).
     */
    VPN
  }

  public static final Path DEFAULT_CONFIG = Path.of("/etc/mvpn-mn/mvpn-mn.yaml");
  public static final Path DEFAULT_CONTROL = Path.of("/run/mvpn-mn/control.sock");

  /** The nice value of the threads a handover waits for ({@link HandoverPriority}). */
  public static final int DEFAULT_PRIORITY = -10;

  private static final Set<String> KEYS =
      Set.of(
          "mode",
          "accessInterface",
          "accessInterfaces",
          "homeAddress",
          "homeAgent",
          "careOfAddress",
          "spi",
          "algorithm",
          "key",
          "lifetime",
          "tunDevice",
          "mtu",
          "tunAddress",
          "routes",
          "control",
          "pidFile",
          "logFile",
          "homeNetwork",
          "agentWaitMillis",
          "priority",
          SamSettings.KEY);

  public MnConfig {
    accessInterfaces = List.copyOf(accessInterfaces);
  }

  /** The preferred access interface (the only one outside mode vpn); null in mode colocated. */
  public String accessInterface() {
    return accessInterfaces.isEmpty() ? null : accessInterfaces.get(0);
  }

  /** The MN-HA association, fresh (it holds a JCE Mac, used on one thread). */
  public MobilitySecurityAssociation association() {
    return new MobilitySecurityAssociation(spi, algorithm, key);
  }

  /** Reads and checks a config file. */
  public static MnConfig load(Path file) throws ConfigException {
    Map<String, Object> map;
    try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
      map = scalars(file, parser);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      String why = e.getOriginalMessage().strip().split("\n")[0];
      throw new ConfigException(file + ": not valid YAML" + where + ": " + why);
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.toString(), map);
  }

  /**
   * The file's keys with their values as written (a String, or a List of them): read token by
   * token, since a YAML number type would turn a key of hex digits such as 0011... into the number
   * 11.
   */
  private static Map<String, Object> scalars(Path file, JsonParser parser)
      throws IOException, ConfigException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new ConfigException(file + ": expected a YAML mapping of keys to values");
    }
    return block(file, "", parser);
  }

  /** The keys up to the mapping's end; {@code within}: the enclosing block's key and a dot. */
  private static Map<String, Object> block(Path file, String within, JsonParser parser)
      throws IOException, ConfigException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String key = within + name; // as messages name it
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_ARRAY) {
        List<String> items = new ArrayList<>();
        while (parser.nextToken().isScalarValue()) {
          if (parser.currentToken() == JsonToken.VALUE_NULL) {
            // "- " alone, ~ or null: the text would be a value ("null") no one wrote
            throw new ConfigException(
                file + ": " + key + ": item " + (items.size() + 1) + " is empty");
          }
          items.add(parser.getText());
        }
        if (parser.currentToken() != JsonToken.END_ARRAY) {
          throw new ConfigException(file + ": " + key + ": expected a list of plain values");
        }
        map.put(name, items);
      } else if (value == JsonToken.START_OBJECT && key.equals(SamSettings.KEY)) {
        map.put(name, block(file, key + ".", parser)); // the one block of keys there is
      } else if (value.isScalarValue()) {
        map.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
      } else {
        throw new ConfigException(file + ": " + key + ": expected a plain value or a list");
      }
    }
    return map;
  }

  /** Checks keys and values; {@code source} names the file in messages. */
  static MnConfig parse(String source, Map<String, Object> map) throws ConfigException {
    Reader r = new Reader(source, map);
    for (String k : map.keySet()) {
      if (!KEYS.contains(k) && !VpnSettings.KEYS.contains(k)) {
        throw new ConfigException(source + ": unknown key '" + k + "'");
      }
    }
    Ipv4Address home = r.address("homeAddress", null);
    String device = r.text("tunDevice", "mvpn0");
    if (!TunTransport.isValidName(device)) {
      throw r.bad("tunDevice", "'" + device + "' is not a network device name");
    }
    String modeText = r.text("mode", "colocated");
    Mode mode =
        switch (modeText) {
          case "colocated" -> Mode.COLOCATED;
          case "foreign-agent" -> Mode.FOREIGN_AGENT;
          case "auto" -> Mode.AUTO;
          case "vpn" -> Mode.VPN;
          default ->
              throw r.bad(
                  "mode", "'" + modeText + "' is not colocated, foreign-agent, auto or vpn");
        };
    List<String> accessInterfaces = List.of();
    Ipv4Address careOf = null;
    if (mode != Mode.COLOCATED) {
      accessInterfaces = r.accessInterfaces(mode);
      if (map.get("careOfAddress") != null) {
        throw r.bad("careOfAddress", "not with mode " + modeText + " (found on the access link)");
      }
    } else {
      careOf = r.address("careOfAddress", null);
      for (String key : List.of("accessInterface", "accessInterfaces")) {
        if (map.get(key) != null) {
          throw r.bad(key, "only with mode foreign-agent, auto or vpn");
        }
      }
    }
    List<Prefix> routes = r.prefixes("routes");
    Prefix homeNetwork = null;
    if (mode == Mode.AUTO) {
      homeNetwork = r.homeNetwork(home, routes);
    } else if (map.get("homeNetwork") != null) {
      throw r.bad("homeNetwork", "only with mode auto");
    }
    VpnSettings vpn = null;
    if (mode == Mode.VPN) {
      vpn = VpnSettings.parse(r);
    } else {
      VpnSettings.refuseOutsideVpn(source, map, modeText);
    }
    return new MnConfig(
        mode,
        home,
        r.address("homeAgent", null),
        careOf,
        r.number("spi", null, 256, 0xFFFFFFFFL),
        r.algorithm(),
        r.key(),
        (int) r.number("lifetime", 300L, 1, 0xFFFE),
        device,
        (int) r.number("mtu", 1400L, 576, 65_535 - 32),
        r.address("tunAddress", Ipv4Address.parse("169.254.77.1")),
        routes,
        Path.of(r.text("control", DEFAULT_CONTROL.toString())),
        r.optionalPath("pidFile"),
        r.optionalPath("logFile"),
        accessInterfaces,
        homeNetwork,
        r.number("agentWaitMillis", 1000L, 100, 60_000),
        (int) r.number("priority", (long) DEFAULT_PRIORITY, -20, 19),
        sam(r, mode, SamSettings.parse(source, map.get(SamSettings.KEY))),
        vpn);
  }

  /**
   * The {@code sam:} block needs the host's traffic to pass the TUN device, which only a co-located
   * care-of address gives (through a foreign agent the kernel sends it to the agent itself).
   */
  private static SamSettings sam(Reader r, Mode mode, SamSettings sam) throws ConfigException {
    if (sam != null && mode != Mode.COLOCATED) {
      throw r.bad(SamSettings.KEY, "only with mode colocated");
    }
    if (sam != null
        && r.address("tunAddress", Ipv4Address.parse("169.254.77.1"))
            .equals(SamSettings.PATH_INTERFACE)) {
      throw r.bad("tunAddress", SamSettings.PATH_INTERFACE + " is the SAM path's own address");
    }
    return sam;
  }

  /** Reads typed values out of the parsed map, each failure a one-line message. */
  private record Reader(String source, Map<String, Object> map) implements VpnSettings.Keys {

    @Override
    public ConfigException bad(String key, String why) {
      return new ConfigException(source + ": " + key + ": " + why);
    }

    Object required(String key) throws ConfigException {
      Object v = map.get(key);
      if (v == null) {
        throw bad(key, "missing (required)");
      }
      return v;
    }

    @Override
    public String text(String key, String fallback) throws ConfigException {
      Object v = map.get(key);
      if (v == null && fallback != null) {
        return fallback;
      }
      return String.valueOf(required(key)).trim();
    }

    Ipv4Address address(String key, Ipv4Address fallback) throws ConfigException {
      if (map.get(key) == null && fallback != null) {
        return fallback;
      }
      String text = text(key, null);
      try {
        return Ipv4Address.parse(text);
      } catch (IllegalArgumentException e) {
        throw bad(key, "'" + text + "' is not an IPv4 address");
      }
    }

    long number(String key, Long fallback, long min, long max) throws ConfigException {
      Object v = map.get(key);
      if (v == null && fallback != null) {
        return fallback;
      }
      String text = String.valueOf(required(key)).trim();
      long n;
      try {
        n = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw bad(key, "'" + text + "' is not a whole number");
      }
      if (n < min || n > max) {
        throw bad(key, n + " is outside " + min + ".." + max);
      }
      return n;
    }

    MobilitySecurityAssociation.Algorithm algorithm() throws ConfigException {
      String text = text("algorithm", "hmac-sha256");
      try {
        return MobilitySecurityAssociation.Algorithm.parse(text);
      } catch (IllegalArgumentException e) {
        throw bad("algorithm", "'" + text + "' is not hmac-md5 or hmac-sha256");
      }
    }

    byte[] key() throws ConfigException {
      String text = text("key", null);
      byte[] key;
      try {
        key = HexFormat.of().parseHex(text);
      } catch (IllegalArgumentException e) {
        throw bad("key", "not an even number of hex digits");
      }
      if (key.length < 16) {
        throw bad("key", "at least 16 bytes (32 hex digits), got " + key.length);
      }
      return key;
    }

    /**
     * {@code accessInterface: x}, or in mode vpn {@code accessInterfaces: [x, y]} (most preferred
     * first; {@code accessInterface: x} is the list of one), never both.
     */
    List<String> accessInterfaces(Mode mode) throws ConfigException {
      boolean one = map.get("accessInterface") != null;
      Object list = map.get("accessInterfaces");
      if (one && list != null) {
        throw bad("accessInterfaces", "not with accessInterface (one of the two keys)");
      }
      if (list != null && mode != Mode.VPN) {
        throw bad("accessInterfaces", "only with mode vpn (accessInterface: one interface)");
      }
      String key = list == null ? "accessInterface" : "accessInterfaces";
      List<?> items = list instanceof List<?> l ? l : List.of(text(key, null));
      List<String> names = new ArrayList<>();
      for (Object item : items) {
        String name = String.valueOf(item).trim();
        if (!TunTransport.isValidName(name)) {
          throw bad(key, "'" + name + "' is not a network device name");
        }
        if (names.contains(name)) {
          throw bad(key, "'" + name + "' twice");
        }
        names.add(name);
      }
      if (names.isEmpty()) {
        throw bad(key, "at least one interface");
      }
      return names;
    }

    List<Prefix> prefixes(String key) throws ConfigException {
      Object v = required(key);
      List<?> items = v instanceof List<?> l ? l : List.of(v);
      List<Prefix> prefixes = new ArrayList<>();
      for (Object item : items) {
        String text = String.valueOf(item).trim();
        try {
          prefixes.add(Prefix.parse(text.equals("default") ? "0.0.0.0/0" : text));
        } catch (IllegalArgumentException e) {
          throw bad(key, "'" + text + "' is not a prefix (A.B.C.D/N or default)");
        }
      }
      if (prefixes.isEmpty()) {
        throw bad(key, "at least one prefix (the home network, or default)");
      }
      return List.copyOf(prefixes);
    }

    /**
     * The home network as written, else the narrowest of the routes holding the home address (the
     * home network is what the laptop routes home); it must hold the home address.
     */
    Prefix homeNetwork(Ipv4Address home, List<Prefix> routes) throws ConfigException {
      Prefix network;
      if (map.get("homeNetwork") != null) {
        String text = text("homeNetwork", null);
        try {
          network = Prefix.parse(text);
        } catch (IllegalArgumentException e) {
          throw bad("homeNetwork", "'" + text + "' is not a prefix (A.B.C.D/N)");
        }
      } else {
        network =
            routes.stream()
                .filter(p -> p.length() > 0 && p.contains(home))
                .max((a, b) -> Integer.compare(a.length(), b.length()))
                .orElseThrow(
                    () ->
                        bad("homeNetwork", "missing (required when no route holds " + home + ")"));
      }
      if (network.length() == 0 || !network.contains(home)) {
        throw bad("homeNetwork", network + " does not hold the home address " + home);
      }
      return network;
    }

    Path optionalPath(String key) {
      Object v = map.get(key);
      return v == null ? null : Path.of(String.valueOf(v).trim());
    }
  }
}
