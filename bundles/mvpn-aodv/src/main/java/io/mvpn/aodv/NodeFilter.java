package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The workgroup filter a sink applies to one admitted node's traffic (seed 002 c41, c49), from the
 * NAS-Filter-Rule texts its home MSM (or, for a visitor, the sink itself) gave: RFC 6733 §4.3.1
 * IPFilterRules "permit|deny in|out PROTO from SRC to DST", where "in" is from the node and "out"
 * toward it, PROTO is "ip" or a protocol number or name, and SRC/DST are "any" or an address or
 * prefix, optionally negated with "!". The first rule of the datagram's direction that matches
 * decides; none matching denies. Ports and options are refused: a rule we cannot apply as written
 * must not be applied more loosely.
 */
final class NodeFilter {

  private record Rule(boolean permit, boolean in, int protocol, Match from, Match to) {}

  private record Match(Prefix prefix, boolean negated) {
    boolean test(int address) {
      return prefix.contains(address) != negated;
    }
  }

  /** A rule that is not an IPFilterRule this filter can apply. */
  static final class BadRuleException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRuleException(String rule, String why) {
      super("filter rule '" + rule + "': " + why, null, false, false);
    }
  }

  private final List<Rule> rules;
  private final List<String> texts;

  private NodeFilter(List<Rule> rules, List<String> texts) {
    this.rules = rules;
    this.texts = texts;
  }

  static NodeFilter parse(List<String> texts) throws BadRuleException {
    List<Rule> rules = new ArrayList<>();
    for (String t : texts) {
      rules.add(rule(t));
    }
    return new NodeFilter(List.copyOf(rules), List.copyOf(texts));
  }

  List<String> rules() {
    return texts;
  }

  /** Whether a datagram of {@code protocol} from the node ({@code fromNode}) or to it may pass. */
  boolean permits(boolean fromNode, int protocol, int source, int destination) {
    for (Rule r : rules) {
      if (r.in == fromNode
          && (r.protocol < 0 || r.protocol == protocol)
          && r.from.test(source)
          && r.to.test(destination)) {
        return r.permit;
      }
    }
    return false;
  }

  private static Rule rule(String text) throws BadRuleException {
    String[] f = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
    if (f.length != 7 || !f[3].equals("from") || !f[5].equals("to")) {
      throw new BadRuleException(text, "expected ACTION DIR PROTO from SRC to DST");
    }
    boolean permit;
    if (f[0].equals("permit")) {
      permit = true;
    } else if (f[0].equals("deny")) {
      permit = false;
    } else {
      throw new BadRuleException(text, "action " + f[0]);
    }
    if (!f[1].equals("in") && !f[1].equals("out")) {
      throw new BadRuleException(text, "direction " + f[1]);
    }
    return new Rule(
        permit, f[1].equals("in"), protocol(text, f[2]), match(text, f[4]), match(text, f[6]));
  }

  private static int protocol(String text, String p) throws BadRuleException {
    switch (p) {
      case "ip":
        return -1;
      case "icmp":
        return 1;
      case "ipencap":
      case "ipip":
        return 4;
      case "tcp":
        return 6;
      case "udp":
        return 17;
      default:
        try {
          int n = Integer.parseInt(p);
          if (n >= 0 && n <= 255) {
            return n;
          }
        } catch (NumberFormatException e) {
          // falls through to the refusal
        }
        throw new BadRuleException(text, "protocol " + p);
    }
  }

  private static Match match(String text, String a) throws BadRuleException {
    boolean negated = a.startsWith("!");
    String s = negated ? a.substring(1) : a;
    if (s.equals("any")) {
      return new Match(Prefix.DEFAULT_ROUTE, negated);
    }
    try {
      return new Match(Prefix.parse(s), negated);
    } catch (RuntimeException e) {
      throw new BadRuleException(text, "address " + a);
    }
  }

  /** The rules a sink gives a visitor (c49): IP-in-IP between it and the foreign agent, no more. */
  static List<String> visitorRules(Ipv4Address node, Ipv4Address foreignAgent) {
    return List.of(
        "permit in 4 from " + node + " to " + foreignAgent,
        "permit out 4 from " + foreignAgent + " to " + node);
  }
}
