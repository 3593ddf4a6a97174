package io.mvpn.aodv.message;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Site Routes extension (seed 002 c43-46, ours: type {@link AodvExtension#SITE_ROUTES}): the
 * static routes a node may use in the site it entered, as its home MSM granted them. Ten bytes per
 * route, at least one, at most 25:
 *
 * <pre>
 *  Prefix (4) | Prefix Length (1) | Gateway (4) | Metric (1)
 * </pre>
 *
 * A member gets the site's default route toward the security gateway and its home range at a lower
 * metric (c43-45); a visitor gets only the default route, whose gateway is the foreign agent (c46).
 * A gateway of 0.0.0.0 means "reached over AODV without a gateway".
 */
public record SiteRoutes(List<Route> routes) {

  /** One granted route. */
  public record Route(Prefix prefix, Ipv4Address gateway, int metric) {
    public Route {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(gateway, "gateway");
      AodvMessages.checkUnsignedByte("metric", metric);
    }
  }

  public static final int ENTRY_LENGTH = 10;

  public static final int MAX_ROUTES = AodvExtension.MAX_DATA_LENGTH / ENTRY_LENGTH;

  public SiteRoutes {
    routes = List.copyOf(routes);
    if (routes.isEmpty() || routes.size() > MAX_ROUTES) {
      throw new IllegalArgumentException(routes.size() + " site routes");
    }
  }

  public AodvExtension toExtension() {
    byte[] d = new byte[routes.size() * ENTRY_LENGTH];
    int at = 0;
    for (Route r : routes) {
      putInt(d, at, r.prefix().networkInt());
      d[at + 4] = (byte) r.prefix().length();
      putInt(d, at + 5, r.gateway().toInt());
      d[at + 9] = (byte) r.metric();
      at += ENTRY_LENGTH;
    }
    return AodvExtension.of(AodvExtension.SITE_ROUTES, d);
  }

  /** The routes of an extension of type {@link AodvExtension#SITE_ROUTES}. */
  public static SiteRoutes parse(AodvExtension e) throws AodvFormatException {
    if (e.type() != AodvExtension.SITE_ROUTES) {
      throw new IllegalArgumentException("extension " + e.type() + " is not site routes");
    }
    byte[] d = e.data();
    if (d.length == 0 || d.length % ENTRY_LENGTH != 0) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_EXTENSION_LENGTH, "site routes of " + d.length + " bytes");
    }
    List<Route> routes = new ArrayList<>();
    for (int at = 0; at < d.length; at += ENTRY_LENGTH) {
      int length = d[at + 4] & 0xFF;
      int network = getInt(d, at);
      if (length > 32 || (network & ~Prefix.mask(length)) != 0) {
        throw new AodvFormatException(
            AodvFormatException.Reason.BAD_EXTENSION_VALUE,
            "site route " + Ipv4Address.toString(network) + "/" + length);
      }
      routes.add(
          new Route(
              Prefix.of(network, length), Ipv4Address.of(getInt(d, at + 5)), d[at + 9] & 0xFF));
    }
    return new SiteRoutes(routes);
  }

  private static void putInt(byte[] d, int at, int v) {
    for (int i = 0; i < 4; i++) {
      d[at + i] = (byte) (v >>> (24 - 8 * i));
    }
  }

  private static int getInt(byte[] d, int at) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = v << 8 | (d[at + i] & 0xFF);
    }
    return v;
  }
}
