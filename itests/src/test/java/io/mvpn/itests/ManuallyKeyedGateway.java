package io.mvpn.itests;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.ops4j.pax.exam.Option;

/**
 * A security gateway gw9 with one pair of manually keyed SAs for acme's node 10.1.0.5 (inbound
 * 0x1000, outbound 0x1001), as an operator writes it into {@code etc/}: the tests that need SAs to
 * watch start from it.
 */
final class ManuallyKeyedGateway {

  static final String FILE = "io.mvpn.securitygateway-gw9.cfg";

  /** The gateway's inside VRF, where a ping to the node goes out through the outbound SA. */
  static final String INSIDE_VRF = "gw9-inside";

  static final Map<String, String> SETTINGS = settings();

  private ManuallyKeyedGateway() {}

  private static Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("name", "gw9");
    s.put("outside.address", "203.0.113.9/24");
    s.put("outside.transport", "mem:gw9-internet");
    s.put("inside.address", "198.51.100.9/24");
    s.put("inside.transport", "mem:gw9-dmz");
    s.put("saLifetime", "3600 4000");
    s.put("homeAgents", "198.51.100.10 4000 hmac-sha256 000102030405060708090a0b0c0d0e0f");
    s.put(
        "tunnels",
        "10.1.0.5 203.0.113.70"
            + " 4096 feffe9928665731c6d6a8f9467308308cafebabe"
            + " 4097 00112233445566778899aabbccddeeff01020304");
    return java.util.Collections.unmodifiableMap(s);
  }

  /** The cfg file's text. */
  static String cfg() {
    return SETTINGS.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue() + "\n")
        .collect(Collectors.joining());
  }

  /** Pax Exam options that put the cfg file into the container's etc/ before it boots. */
  static Option[] options() {
    return SETTINGS.entrySet().stream()
        .map(e -> editConfigurationFilePut("etc/" + FILE, e.getKey(), e.getValue()))
        .toArray(Option[]::new);
  }
}
