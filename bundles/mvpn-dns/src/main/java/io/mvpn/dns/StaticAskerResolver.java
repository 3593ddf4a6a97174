package io.mvpn.dns;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.workgroup.MemberId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed table from host source address, with or without port, to member. An entry with a port
 * wins over one without. Configured in text as comma- or space-separated entries {@code
 * host[:port]=tenant/address}, for example {@code 127.0.0.1=acme/10.1.0.5,
 * 127.0.0.2:5300=beta/10.1.0.5}; hosts are IPv4 literals (never looked up in DNS).
 */
public final class StaticAskerResolver implements AskerResolver {

  private final Map<InetSocketAddress, MemberId> byHostAndPort = new ConcurrentHashMap<>();
  private final Map<InetAddress, MemberId> byHost = new ConcurrentHashMap<>();

  /** Adds or replaces an entry; port 0 stands for any port. Returns this. */
  public StaticAskerResolver put(InetAddress host, int port, MemberId member) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(member, "member");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    if (port == 0) {
      byHost.put(host, member);
    } else {
      byHostAndPort.put(new InetSocketAddress(host, port), member);
    }
    return this;
  }

  public boolean remove(InetAddress host, int port) {
    return port == 0
        ? byHost.remove(host) != null
        : byHostAndPort.remove(new InetSocketAddress(host, port)) != null;
  }

  @Override
  public Optional<MemberId> resolve(InetSocketAddress source) {
    MemberId m = byHostAndPort.get(source);
    if (m == null) {
      m = byHost.get(source.getAddress());
    }
    return Optional.ofNullable(m);
  }

  /** Parses {@code host[:port]=tenant/address, ...}; blank text gives an empty table. */
  public static StaticAskerResolver parse(String text) {
    StaticAskerResolver r = new StaticAskerResolver();
    if (text == null || text.isBlank()) {
      return r;
    }
    for (String entry : ConfigList.words(text)) {
      int eq = entry.indexOf('=');
      int slash = entry.indexOf('/', eq + 1);
      if (eq <= 0 || slash < 0) {
        throw new IllegalArgumentException(
            "an asker entry is host[:port]=tenant/address, not '" + entry + "'");
      }
      String source = entry.substring(0, eq);
      int port = 0;
      int colon = source.indexOf(':');
      if (colon >= 0) {
        try {
          port = Integer.parseInt(source.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad port in '" + entry + "'", e);
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("bad port in '" + entry + "'");
        }
        source = source.substring(0, colon);
      }
      MemberId member =
          new MemberId(
              MvpnId.of(entry.substring(eq + 1, slash)),
              Ipv4Address.parse(entry.substring(slash + 1)));
      r.put(literal(source), port, member);
    }
    return r;
  }

  private static InetAddress literal(String host) {
    try {
      return InetAddress.getByAddress(Ipv4Address.parse(host).toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad host '" + host + "'", e);
    }
  }
}
