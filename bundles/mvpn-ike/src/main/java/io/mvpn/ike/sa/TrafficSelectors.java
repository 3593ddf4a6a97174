package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic selector narrowing (RFC 7296 §2.9): the responder answers with the parts of the offered
 * selectors its policy allows. Only IPv4 ranges take part; other types are never allowed here.
 */
final class TrafficSelectors {

  private TrafficSelectors() {}

  /** What a responder grants of TSi and TSr (§2.9): both non-empty. */
  record Narrowed(List<TrafficSelector> initiator, List<TrafficSelector> responder) {}

  /**
   * A responder's narrowing of a Child SA's TSi (the initiator's side: our remote selectors, or the
   * virtual address the initiator was given) and TSr (our local selectors); null when either side
   * has nothing left, which TS_UNACCEPTABLE refuses.
   */
  static Narrowed narrow(
      PeerConfig config, IkeSa sa, List<TrafficSelector> tsI, List<TrafficSelector> tsR) {
    List<TrafficSelector> remote = config.remoteSelectors();
    if (sa.virtualAddress() != null) {
      remote = List.of(TrafficSelector.ipv4(sa.virtualAddress(), sa.virtualAddress()));
    }
    List<TrafficSelector> narrowedI = narrow(tsI, remote);
    List<TrafficSelector> narrowedR = narrow(tsR, config.localSelectors());
    if (narrowedI.isEmpty() || narrowedR.isEmpty()) {
      return null;
    }
    return new Narrowed(narrowedI, narrowedR);
  }

  /** Every non-empty intersection of an offered selector with an allowed one, in offered order. */
  static List<TrafficSelector> narrow(
      List<TrafficSelector> offered, List<TrafficSelector> allowed) {
    List<TrafficSelector> out = new ArrayList<>();
    for (TrafficSelector o : offered) {
      for (TrafficSelector a : allowed) {
        TrafficSelector i = intersect(o, a);
        if (i != null && !out.contains(i)) {
          out.add(i);
        }
      }
    }
    return out;
  }

  /** Whether every selector of {@code answer} lies within one of {@code offered}. */
  static boolean within(List<TrafficSelector> answer, List<TrafficSelector> offered) {
    for (TrafficSelector s : answer) {
      if (!narrow(List.of(s), offered).contains(s)) {
        return false;
      }
    }
    return true;
  }

  /** The intersection of two IPv4 ranges, or null when it is empty. */
  static TrafficSelector intersect(TrafficSelector a, TrafficSelector b) {
    if (!a.isIpv4() || !b.isIpv4()) {
      return null;
    }
    int protocol;
    if (a.ipProtocol() == TrafficSelector.ANY_PROTOCOL) {
      protocol = b.ipProtocol();
    } else if (b.ipProtocol() == TrafficSelector.ANY_PROTOCOL || b.ipProtocol() == a.ipProtocol()) {
      protocol = a.ipProtocol();
    } else {
      return null;
    }
    int startPort = Math.max(a.startPort(), b.startPort());
    int endPort = Math.min(a.endPort(), b.endPort());
    // Addresses compare unsigned: 128.0.0.0 and above are negative ints.
    int start = maxUnsigned(a.startIpv4().toInt(), b.startIpv4().toInt());
    int end = minUnsigned(a.endIpv4().toInt(), b.endIpv4().toInt());
    if (startPort > endPort || Integer.compareUnsigned(start, end) > 0) {
      return null;
    }
    return TrafficSelector.ipv4(
        protocol, startPort, endPort, Ipv4Address.of(start), Ipv4Address.of(end));
  }

  private static int maxUnsigned(int x, int y) {
    return Integer.compareUnsigned(x, y) >= 0 ? x : y;
  }

  private static int minUnsigned(int x, int y) {
    return Integer.compareUnsigned(x, y) <= 0 ? x : y;
  }
}
