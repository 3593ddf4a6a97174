package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.mn.compare.DelayedPath;
import io.mvpn.mn.compare.HandoverClient;
import io.mvpn.net.Route;
import io.mvpn.net.transport.tap.TapTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rows (a) and (b) of seed 001 against MOBIKE on {@link DelayedPath}: the installed {@code mvpn-mn}
 * in mode vpn in the path's laptop namespace against the appliance's security gateway, IKEv2
 * responder and home agent in this JVM ({@link SecurityGatewayNetworks}), whose TAP ports take the
 * gateway's places on the path: its internet link ({@link DelayedPath#GATEWAY}) and the home
 * network with the site host (the tenant's LAN, the home agent's home network), each bridged to the
 * path's device there, and the DMZ between the gateway and the home agent, a delayed link of its
 * own (20 ms each way, as every link of the path). The node's {@code accessInterfaces} are the
 * laptop's links A and B as the path addresses them, exactly as charon's client sees them (B up and
 * routed with metric 200, a laptop's Wi-Fi and LTE): the node is on A, B its warm standby, and the
 * move is row (c)'s, A's address flushed and A downed ({@link DelayedPath#dropLinkA}).
 */
public final class MnVpnClient extends SecurityGatewayNetworks implements HandoverClient {

  private final boolean fast;
  private DelayedPath path;
  private Path control;
  private Path log;
  private Process node;

  private MnVpnClient(Path dir, boolean fast) {
    this.dir = dir;
    this.fast = fast;
  }

  /** Row (a): {@code handover: fast}, seed 001 (the SAs re-pointed, the gateway told by SIU). */
  public static MnVpnClient fast(Path dir) {
    return new MnVpnClient(dir, true);
  }

  /** Row (b): {@code handover: reestablish}, a fresh IKE SA from the new address. */
  public static MnVpnClient reestablishing(Path dir) {
    return new MnVpnClient(dir, false);
  }

  @Override
  public String row() {
    return fast
        ? "(a) `mvpn-mn` VPN mode, FAST (SIU handover)"
        : "(b) `mvpn-mn` VPN mode, REESTABLISH (fresh tunnel)";
  }

  @Override
  public boolean keepsSas() {
    return fast;
  }

  @Override
  public String innerAddress() {
    return HOME.toString();
  }

  @Override
  public void start(DelayedPath path) throws Exception {
    this.path = path;
    Files.createDirectories(dir);
    String outside = lab.device("vo");
    String dmzGateway = lab.device("vd");
    String dmzHomeAgent = lab.device("vh");
    String lan = lab.device("vl");
    Ipv4Address gateway = Ipv4Address.parse(DelayedPath.GATEWAY);
    appliance(
        gateway,
        TapTransport.open(outside, TapTransport.DEFAULT_MTU),
        TapTransport.open(dmzGateway, TapTransport.DEFAULT_MTU),
        TapTransport.open(dmzHomeAgent, TapTransport.DEFAULT_MTU),
        TapTransport.open(lan, TapTransport.DEFAULT_MTU));
    onLoop(
        () -> {
          gatewayOutside.addRoute(
              new Route(
                  Prefix.DEFAULT_ROUTE,
                  Ipv4Address.parse(DelayedPath.ROUTER_INTERNET),
                  gatewayOutside.interfaces().get(0),
                  Route.Origin.STATIC));
          return null;
        });
    path.bridge(path.gateway, path.gatewayInternet, outside, lab.device("vbo"));
    path.bridge(path.gateway, path.gatewayHome, lan, lab.device("vbl"));
    path.link(dmzGateway, dmzHomeAgent);

    String handover = fast ? "fast" : "reestablish";
    Path config = nodeConfig(handover, List.of(path.linkA, path.linkB), lab.device("vt"), gateway);
    control = dir.resolve(handover + ".sock");
    log = dir.resolve("mvpn-mn.log");
    node = LaptopProcesses.up(path.lab, path.laptop, config, log);
    LaptopProcesses.awaitRegistered(
        node,
        log,
        () -> {
          Map<String, String> status = status();
          return new Result(registered(status) ? 0 : 1, status.toString());
        });
    path.pingSite(HOME.toString());
  }

  /** The node's status through its control socket (no launcher JVM beside the measured one). */
  private Map<String, String> status() {
    try {
      return NodeStatus.fields(ControlSocket.request(control, "status"));
    } catch (IOException e) {
      return Map.of("error", e.toString());
    }
  }

  private static boolean registered(Map<String, String> status) {
    return NodeStatus.REGISTERED.equals(status.get("state"));
  }

  /** The ESP SAs' SPIs, as {@code status} shows them on its {@code tunnel} line. */
  @Override
  public String sas() {
    return String.valueOf(status().get("tunnel"));
  }

  /** Until the node is registered from link B's address. */
  @Override
  public boolean awaitOnLinkB(DelayedPath path, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    do {
      Map<String, String> status = status();
      if (registered(status) && DelayedPath.LAPTOP_B.equals(status.get("care-of-address"))) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (System.nanoTime() < deadline);
    return false;
  }

  @Override
  public String diagnostics() {
    try {
      return "mvpn-mn:\n" + (log != null && Files.exists(log) ? Files.readString(log) : "-");
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * {@code down} through the control socket (deregisters, deletes the IKE SA), then the engines.
   */
  @Override
  public void close() throws Exception {
    try {
      if (node != null && node.isAlive()) {
        try {
          ControlSocket.request(control, "down");
        } catch (IOException e) {
          node.destroy();
        }
        if (!node.waitFor(15, TimeUnit.SECONDS)) {
          node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      removeEnginesAndNamespaces();
    }
  }
}
