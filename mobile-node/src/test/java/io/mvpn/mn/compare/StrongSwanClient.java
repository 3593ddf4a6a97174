package io.mvpn.mn.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * strongSwan as its users run it, at both ends: charon (kernel-libipsec) as the laptop's client and
 * a second charon as the security gateway in the path's gateway namespace. With MOBIKE (row (c))
 * the laptop's charon notices link A's address go, and moves its IKE and Child SAs to link B with
 * UPDATE_SA_ADDRESSES; without (the reference row), charon re-authenticates: it deletes the IKE SA
 * and keys a new one from the address on B.
 *
 * <p>A charon gateway rather than mvpn's: it leaves MOBIKE nothing to blame on an implementation it
 * does not know (the interop test measured mvpn's gateway answering in 4 ms where charon answers in
 * 1-2 ms), so the row is MOBIKE at its best on this path.
 */
public final class StrongSwanClient implements HandoverClient {

  /** The laptop's address inside the tunnel, on its loopback (charon's local_ts). */
  static final String INNER = "10.2.0.5";

  private static final String LAPTOP_ID = "laptop.example.net";
  private static final String GATEWAY_ID = "gateway.example.net";
  private static final String PSK = "seed 001 against MOBIKE on one real path";
  private static final Pattern IKE_SPIS =
      Pattern.compile("(\\p{XDigit}{16})_i\\*? (\\p{XDigit}{16})_r");

  private final Path dir;
  private final boolean mobike;
  private CharonInNamespace laptop;
  private CharonInNamespace gateway;

  private StrongSwanClient(Path dir, boolean mobike) {
    this.dir = dir;
    this.mobike = mobike;
  }

  /** Row (c): {@code mobike = yes} at both ends. */
  public static StrongSwanClient withMobike(Path dir) {
    return new StrongSwanClient(dir, true);
  }

  /** The reference row: {@code mobike = no}, so a lost address costs a new IKE SA. */
  public static StrongSwanClient reauthenticating(Path dir) {
    return new StrongSwanClient(dir, false);
  }

  @Override
  public String row() {
    return mobike
        ? "(c) strongSwan charon, MOBIKE"
        : "strongSwan charon without MOBIKE (re-authenticates on B)";
  }

  @Override
  public boolean keepsSas() {
    return mobike;
  }

  @Override
  public String innerAddress() {
    return INNER;
  }

  @Override
  public void start(DelayedPath path) throws Exception {
    gateway = new CharonInNamespace(path.lab, path.gateway, dir.resolve("gateway"));
    // Its public address only, as a gateway announces: not the home network's.
    gateway.start(
        connection(
            "local_addrs = " + DelayedPath.GATEWAY,
            GATEWAY_ID,
            LAPTOP_ID,
            DelayedPath.HOME_NETWORK,
            INNER + "/32"),
        "interfaces_use = " + path.gatewayInternet);
    gateway.routeIntoTunnel(INNER + "/32", null);
    path.lab.in(path.laptop, "ip", "addr", "add", INNER + "/32", "dev", "lo");
    laptop = new CharonInNamespace(path.lab, path.laptop, dir.resolve("laptop"));
    // No local address: the routing table's choice, which is what lets charon roam.
    laptop.start(
        connection(
            "remote_addrs = " + DelayedPath.GATEWAY,
            LAPTOP_ID,
            GATEWAY_ID,
            INNER + "/32",
            DelayedPath.HOME_NETWORK),
        "interfaces_use = " + path.linkA + "," + path.linkB);
    laptop.routeIntoTunnel(DelayedPath.HOME_NETWORK, INNER);
    laptop.swanctl("--initiate", "--child", "site", "--timeout", "20");
    path.pingSite(INNER);
  }

  private String connection(
      String addresses, String localId, String remoteId, String localTs, String remoteTs) {
    return """
        connections {
          seed {
            version = 2
            %s
            proposals = aes256gcm16-prfsha256-ecp256
            mobike = %s
            local {
              auth = psk
              id = %s
            }
            remote {
              auth = psk
              id = %s
            }
            children {
              site {
                local_ts = %s
                remote_ts = %s
                esp_proposals = aes256gcm16
                mode = tunnel
              }
            }
          }
        }
        secrets {
          ike-seed {
            id-laptop = %s
            id-gateway = %s
            secret = "%s"
          }
        }
        """
        .formatted(
            addresses,
            mobike ? "yes" : "no",
            localId,
            remoteId,
            localTs,
            remoteTs,
            LAPTOP_ID,
            GATEWAY_ID,
            PSK);
  }

  /** The laptop's IKE SA's SPIs, as {@code swanctl --list-sas} shows them. */
  @Override
  public String sas() throws Exception {
    String listed = laptop.swanctl("--list-sas");
    Matcher spis = IKE_SPIS.matcher(listed);
    return spis.find() ? spis.group(1) + "_i " + spis.group(2) + "_r" : "none: " + listed;
  }

  /** Until the laptop's charon lists an established IKE SA from B with its Child SA installed. */
  @Override
  public boolean awaitOnLinkB(DelayedPath path, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    do {
      String listed = laptop.swanctl("--list-sas");
      if (listed.contains("ESTABLISHED")
          && listed.contains("@ " + DelayedPath.LAPTOP_B + "[")
          && listed.contains("INSTALLED")) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (System.nanoTime() < deadline);
    return false;
  }

  @Override
  public String diagnostics() {
    return "laptop's charon:\n"
        + (laptop == null ? "(not started)" : laptop.log())
        + "\ngateway's charon:\n"
        + (gateway == null ? "(not started)" : gateway.log());
  }

  @Override
  public void close() throws Exception {
    try {
      if (laptop != null) {
        laptop.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }
}
