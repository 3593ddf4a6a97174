package io.mvpn.dns.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.workgroup.MemberId;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code mvpn:dns-lookup NAME TENANT/ADDRESS}: what the running workgroup DNS answers that member
 * for a name, over the wire format it serves.
 */
@Service
@Command(scope = "mvpn", name = "dns-lookup", description = "Ask the workgroup DNS as a member")
public class DnsLookupCommand implements Action {

  private static final String USAGE = "usage: mvpn:dns-lookup NAME TENANT/ADDRESS [TYPE]";

  // Not required: without them the command says what is missing and its usage, not Karaf's error.
  @Argument(index = 0, name = "name")
  String name;

  @Argument(index = 1, name = "asker", description = "TENANT/ADDRESS")
  String asker;

  @Argument(index = 2, name = "type", description = "A (default), AAAA, SOA...")
  String type = "A";

  @Reference WorkgroupDns dns;

  @Reference Session session;

  @Override
  public Object execute() throws Exception {
    if (name == null || asker == null) {
      session.getConsole().println("mvpn:dns-lookup: which name, asked by whom?\n" + USAGE);
      return null;
    }
    int slash = asker.indexOf('/');
    MemberId who;
    Name qname;
    try {
      if (slash < 0) {
        throw new IllegalArgumentException("asker: TENANT/ADDRESS, e.g. acme/10.1.0.5");
      }
      if (Type.value(type) < 0) {
        throw new IllegalArgumentException("no record type " + type);
      }
      who =
          new MemberId(
              MvpnId.of(asker.substring(0, slash)), Ipv4Address.parse(asker.substring(slash + 1)));
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (IllegalArgumentException | org.xbill.DNS.TextParseException e) {
      session.getConsole().println("mvpn:dns-lookup: " + e.getMessage() + "\n" + USAGE);
      return null;
    }
    byte[] query = Message.newQuery(Record.newRecord(qname, Type.value(type), 1)).toWire();
    // Over TCP: the whole answer, never truncated.
    byte[] reply = dns.answer(query, who, WorkgroupDns.Transport.TCP);
    if (reply == null) {
      session.getConsole().println("no answer");
      return null;
    }
    Message answer = new Message(reply);
    session.getConsole().println("status: " + Rcode.string(answer.getRcode()));
    for (Record r : answer.getSection(Section.ANSWER)) {
      session.getConsole().println(r);
    }
    for (Record r : answer.getSection(Section.AUTHORITY)) {
      session.getConsole().println("; authority: " + r);
    }
    return null;
  }
}
