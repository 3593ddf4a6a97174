package io.mvpn.mn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code mvpn-mn status} shows: the binding's state and the node's counters, as "key: value"
 * lines on the control socket, the state first.
 *
 * @param state {@link #REGISTERED}, {@code registering}, {@code deregistered} or {@code at-home}
 * @param mode the configured mode: colocated, foreign-agent or auto
 * @param attachment where the node is attached: {@code home}, {@code fa ADDRESS}, {@code colocated
 *     ADDRESS}, or {@code searching}
 * @param foreignAgent the agent registered through ({@code -} with a co-located care-of address)
 * @param lifetimeLeft seconds until the binding the home agent granted runs out (0 without one)
 * @param linkDowns times the access link was seen going down (foreign-agent mode)
 * @param moves moves detected on the access link, each a new registration (foreign-agent mode)
 * @param accessInterface mode vpn: the interface the node is on and its address (null in the other
 *     modes: no line)
 * @param standbyInterfaces mode vpn: the other access interfaces, each with its address (and {@code
 *     warm} when kept warm) or why it has none, and the standbys' keepalives sent (null in the
 *     other modes: no line)
 */
public record NodeStatus(
    String state,
    String mode,
    String attachment,
    String homeAddress,
    String homeAgent,
    String careOf,
    String foreignAgent,
    String tunnel,
    long lifetimeLeft,
    long requestsSent,
    long keepalivesAnswered,
    long fromHost,
    long toHost,
    long accessSent,
    long accessReceived,
    long linkDowns,
    long moves,
    String lastEvent,
    String accessInterface,
    String standbyInterfaces) {

  public static final String REGISTERED = "registered";

  /** Back on the home network, deregistered: datagrams flow without a tunnel. */
  public static final String AT_HOME = "at-home";

  public boolean registered() {
    return REGISTERED.equals(state);
  }

  /** Whether datagrams flow: registered away, or at home with no binding needed. */
  public static boolean connected(String state) {
    return REGISTERED.equals(state) || AT_HOME.equals(state);
  }

  /** The lines the control socket carries and the CLI prints. */
  public String render() {
    String interfaces =
        accessInterface == null
            ? ""
            : "access-interface: "
                + accessInterface
                + "\nstandby-interfaces: "
                + standbyInterfaces
                + "\n";
    return """
        state: %s
        mode: %s
        attachment: %s
        home-address: %s
        home-agent: %s
        care-of-address: %s
        %sforeign-agent: %s
        tunnel: %s
        lifetime-left: %d s
        registration-requests: %d
        keepalives-answered: %d
        from-host: %d
        to-host: %d
        access-sent: %d
        access-received: %d
        link-downs: %d
        moves-detected: %d
        last-event: %s
        """
        .formatted(
            state,
            mode,
            attachment,
            homeAddress,
            homeAgent,
            careOf,
            interfaces,
            foreignAgent,
            tunnel,
            lifetimeLeft,
            requestsSent,
            keepalivesAnswered,
            fromHost,
            toHost,
            accessSent,
            accessReceived,
            linkDowns,
            moves,
            lastEvent);
  }

  /** The "key: value" lines of a rendered status; lines without a colon are left out. */
  public static Map<String, String> fields(String rendered) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : rendered.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }
}
