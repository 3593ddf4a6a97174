package io.mvpn.itests;

import io.mvpn.net.transport.tun.KernelLab;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * strongSwan's charon as a road warrior in a network namespace, configured from {@code
 * roadwarrior/strongswan.conf} and {@code swanctl.conf} (the files an operator's client would use)
 * in a directory of its own: its own vici socket and, bind-mounted over /run in the namespace's
 * private mount namespace, its own pid file, so it never meets another charon. kernel-libipsec does
 * its ESP in userspace, always in UDP 4500, through its TUN device ipsec0.
 */
final class RoadWarrior implements AutoCloseable {

  static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
  static final Path KERNEL_LIBIPSEC =
      Path.of("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so");
  static final String PASSWORD = "roadwarrior-p12";

  /** The connection and child in swanctl.conf. */
  private static final String CHILD = "acme";

  /** The first installed Child SA: its header, its "installed" line, then in and out. */
  private static final Pattern SPIS =
      Pattern.compile(
          "INSTALLED[^\\n]*\\n[^\\n]*\\n\\s+in\\s+([0-9a-f]{8})\\b[^\\n]*\\n\\s+out\\s+([0-9a-f]{8})\\b");

  private static final Pattern VIRTUAL_IP =
      Pattern.compile("\\] \\[(\\d+\\.\\d+\\.\\d+\\.\\d+)\\]");
  private static final Pattern KEY =
      Pattern.compile("encryption (initiator|responder) key => (\\d+) bytes");
  private static final Pattern KEY_LINE = Pattern.compile("\\[CHD\\]\\s+\\d+: ((?:[0-9A-F]{2} )+)");

  /**
   * The Child SA's SPIs as charon names them: {@code in} it receives on, {@code out} it sends on.
   */
  record Spis(String in, String out) {}

  /** The encryption keys (AES key and salt) of the latest Child SA charon logged. */
  record Keys(String initiator, String responder) {}

  /**
   * What an operating system's built-in IKEv2 client proposes by default, in swanctl's syntax, and
   * what both ends then show: the IKE and ESP transforms by IANA name (strongSwan writes {@code
   * AES_CBC-256} where the appliance writes {@code AES_CBC_256}: compare with {@link #normalized})
   * and the suite of {@code mvpn:sa list}.
   */
  record ClientDefaults(
      String client,
      String ike,
      String esp,
      String ikeAlgorithms,
      String espAlgorithms,
      String suite) {

    /** macOS and iOS: AES-GCM-256 with ECP-256, in IKE and in ESP. */
    static final ClientDefaults APPLE =
        new ClientDefaults(
            "Apple",
            "aes256gcm16-prfsha256-ecp256",
            "aes256gcm16-noesn",
            "AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256",
            "AES_GCM_16_256",
            "aes256gcm16");

    /** Windows 10 and 11: AES-CBC-256 with HMAC-SHA2-256, MODP-2048 in IKE. */
    static final ClientDefaults WINDOWS =
        new ClientDefaults(
            "Windows",
            "aes256-sha256-modp2048",
            "aes256-sha256-noesn",
            "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
            "AES_CBC_256/HMAC_SHA2_256_128",
            "aes256-sha256");

    /** strongSwan's algorithm names written as IANA's (the key size after an underscore). */
    static String normalized(String swanctlOutput) {
      return swanctlOutput.replace('-', '_');
    }
  }

  final String identity;
  final Path dir;
  final ClientDefaults proposals;
  private final RoadWarriorNetwork network;
  private final String namespace;
  private Process charon;

  RoadWarrior(
      String identity,
      Path dir,
      ClientDefaults proposals,
      RoadWarriorNetwork network,
      String namespace) {
    this.identity = identity;
    this.dir = dir.toAbsolutePath();
    this.proposals = proposals;
    this.network = network;
    this.namespace = namespace;
  }

  /** Where the appliance writes the CA (mvpn:ca export) and the node's PKCS#12 file (issue). */
  Path caFile() {
    return dir.resolve("x509ca/mvpn-ca.pem");
  }

  Path p12File() {
    return dir.resolve("pkcs12/" + identity + ".p12");
  }

  /** The shell commands that give this node its credentials from the appliance CA. */
  String credentialCommands() {
    return "mvpn:ca export --out "
        + caFile()
        + "\nmvpn:ca issue "
        + identity
        + " --dns "
        + identity
        + " --p12 "
        + p12File()
        + " --password "
        + PASSWORD;
  }

  /** Writes the configuration from the shared templates and starts charon. */
  void start() throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(dir.resolve("x509ca"));
    Files.createDirectories(dir.resolve("pkcs12"));
    // Left by an earlier charon in this directory: the new one must make its own.
    Files.deleteIfExists(dir.resolve("charon.vici"));
    Files.deleteIfExists(dir.resolve("run/charon.pid"));
    Files.writeString(
        dir.resolve("strongswan.conf"),
        template("strongswan.conf", Map.of("@DIR@", dir.toString())));
    Files.writeString(
        dir.resolve("swanctl.conf"),
        template(
            "swanctl.conf",
            Map.of(
                "@IDENTITY@",
                identity,
                "@P12_PASSWORD@",
                PASSWORD,
                "@IKE_PROPOSALS@",
                proposals.ike(),
                "@ESP_PROPOSALS@",
                proposals.esp())));
    charon =
        network.start(
            namespace,
            dir.resolve("charon.out"),
            "env",
            "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"),
            "sh",
            "-c",
            "mount --bind \"$1\" /run && exec " + CHARON,
            "charon",
            dir.resolve("run").toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (charon.isAlive() && !Files.exists(dir.resolve("charon.vici"))) {
      if (System.nanoTime() > deadline) {
        throw new IOException("charon did not open its vici socket within 20 s");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    if (!charon.isAlive()) {
      throw new IOException("charon ended: " + Files.readString(dir.resolve("charon.out")));
    }
  }

  /** Reads a file of {@code roadwarrior/} with its placeholders replaced. */
  static String template(String name, Map<String, String> values) throws IOException {
    try (InputStream in = RoadWarrior.class.getResourceAsStream("/roadwarrior/" + name)) {
      if (in == null) {
        throw new IOException("no roadwarrior/" + name + " on the test classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      return text;
    }
  }

  /**
   * Loads credentials and the connection, initiates it, and routes the protected network into
   * ipsec0 from the virtual address the gateway gave; returns that address.
   */
  String connect(String protectedNetwork) throws IOException, InterruptedException {
    String initiated = initiate();
    if (!initiated.contains("initiate completed successfully")) {
      throw new AssertionError("charon did not connect:\n" + initiated);
    }
    Matcher vip = VIRTUAL_IP.matcher(listSas());
    if (!vip.find()) {
      throw new AssertionError("no virtual IP in\n" + listSas());
    }
    String address = vip.group(1);
    network.in(namespace, "ip", "link", "set", "ipsec0", "up");
    network.in(
        namespace, "ip", "route", "replace", protectedNetwork, "dev", "ipsec0", "src", address);
    return address;
  }

  /**
   * Loads credentials and the connection and initiates it: swanctl's output, also when the gateway
   * refuses (swanctl then exits non-zero).
   */
  String initiate() throws IOException, InterruptedException {
    swanctl("--load-all", "--file", dir.resolve("swanctl.conf").toString());
    try {
      return swanctl("--initiate", "--child", CHILD, "--timeout", "60");
    } catch (IOException failed) {
      return failed.getMessage();
    }
  }

  String listSas() throws IOException, InterruptedException {
    return swanctl("--list-sas");
  }

  /** The installed Child SA's SPIs, as {@code swanctl --list-sas} prints them. */
  Spis spis() throws IOException, InterruptedException {
    String sas = listSas();
    Matcher m = SPIS.matcher(sas);
    if (!m.find()) {
      throw new AssertionError("no installed Child SA in\n" + sas);
    }
    return new Spis(m.group(1), m.group(2));
  }

  /** Re-keys the Child SA (CREATE_CHILD_SA): new SPIs and keys, the old SA deleted after. */
  String rekeyChild() throws IOException, InterruptedException {
    return swanctl("--rekey", "--child", CHILD);
  }

  /** The keys charon logged last (chd 4): the newest Child SA's, read from its own log. */
  Keys latestKeys() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("charon.log"));
    List<String> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher header = KEY.matcher(lines.get(i));
      if (!header.find()) {
        continue;
      }
      int length = Integer.parseInt(header.group(2));
      StringBuilder hex = new StringBuilder();
      for (int j = i + 1; j < lines.size() && hex.length() < 2 * length; j++) {
        Matcher bytes = KEY_LINE.matcher(lines.get(j) + " ");
        if (!bytes.find()) {
          break;
        }
        hex.append(bytes.group(1).replace(" ", ""));
      }
      found.add(header.group(1) + "=" + hex.toString().toLowerCase());
    }
    if (found.size() < 2) {
      throw new AssertionError("charon logged no Child SA keys in " + dir.resolve("charon.log"));
    }
    String initiator = found.get(found.size() - 2);
    String responder = found.get(found.size() - 1);
    if (!initiator.startsWith("initiator=") || !responder.startsWith("responder=")) {
      throw new AssertionError("unexpected key order: " + found);
    }
    // Parsed back as a check that the dump was whole: AES-256 key and 4-byte salt.
    HexFormat.of().parseHex(initiator.substring(10));
    return new Keys(initiator.substring(10), responder.substring(10));
  }

  /**
   * Runs swanctl against this charon; its output, or an IOException with it when swanctl fails.
   * Bounded: swanctl gives up on charon by itself ({@code --timeout} for an initiation).
   */
  String swanctl(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("env", "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"), "swanctl"));
    command.addAll(List.of(args));
    command.add("--uri");
    command.add("unix://" + dir.resolve("charon.vici"));
    return KernelLab.run(command.toArray(String[]::new));
  }

  /** Ends the IKE SA, if one is up (the gateway removes the node's tunnel), and stops charon. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (charon == null || !charon.isAlive()) {
      return;
    }
    try {
      if (!listSas().isBlank()) { // a refused node has none, and swanctl would fail
        swanctl("--terminate", "--ike", CHILD, "--timeout", "10");
      }
    } finally {
      RoadWarriorNetwork.stop(charon);
    }
  }
}
