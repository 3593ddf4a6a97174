package io.mvpn.dns;

import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The workgroup system's DNS zone, answered per asker (seed 002 c5, c13). The asker is a {@link
 * MemberId}: private realms overlap, so the source address alone does not say who asks.
 *
 * <ul>
 *   <li>A member's FQDN has an A record with its private address, answered only to the member
 *       itself and to members that share a workgroup with it ({@link WorkgroupService#permits}). To
 *       the same askers it has a CERT record (RFC 4398, type PKIX) for each certificate the MSM's
 *       CA issued under that name ({@link #setCertificates}; seed 002 c55).
 *   <li>Every other name in the zone is NXDOMAIN, whether it does not exist or is hidden, so an
 *       asker cannot tell the two apart. Exceptions, both NODATA: the apex (which also answers SOA)
 *       and names above a name the asker may see (empty non-terminals).
 *   <li>Names outside the zone, classes other than IN, zone transfers and askers that are not
 *       members: REFUSED. This is no resolver; RA is never set, AA is set on answers from the zone.
 *   <li>EDNS0 (RFC 6891): an OPT in the query gets one back, payload {@link
 *       ZoneSettings#udpPayloadSize()}, DO copied (RFC 3225; nothing is signed). Version above 0:
 *       BADVERS. COOKIE (RFC 7873): every response to a query with a client cookie carries a server
 *       cookie ({@link ServerCookies}); a query with only a cookie and no question gets one too.
 *   <li>Malformed queries whose header can be read: FORMERR; shorter than a header, or responses:
 *       dropped. Opcodes other than QUERY: NOTIMP. More than one question or OPT: FORMERR.
 * </ul>
 *
 * <p>Thread-safe: the membership model is read on each query, so changes apply to the next one.
 */
public final class WorkgroupZone {

  /** The transport a query came over, which bounds the response size. */
  public enum Transport {
    UDP,
    TCP
  }

  /** Without EDNS0, a UDP response is at most 512 bytes (RFC 1035 §2.3.4). */
  static final int PLAIN_UDP_MAX = 512;

  private static final int TCP_MAX = 65535;

  private final WorkgroupService directory;
  private final ZoneSettings settings;
  private final ServerCookies cookies;
  private final SOARecord soa;
  private final SOARecord negativeSoa;
  private volatile CertificateDirectory certificates = CertificateDirectory.NONE;

  private final DnsTally tally;

  public WorkgroupZone(WorkgroupService directory) {
    this(directory, ZoneSettings.defaults());
  }

  public WorkgroupZone(WorkgroupService directory, ZoneSettings settings) {
    this(directory, settings, ServerCookies.random(Clock.systemUTC()));
  }

  public WorkgroupZone(WorkgroupService directory, ZoneSettings settings, ServerCookies cookies) {
    this(directory, settings, cookies, new DnsTally());
  }

  /**
   * A zone whose counts live in {@code counters}, in {@code scope}: a new zone over the same store
   * and scope goes on from the counts an earlier one left (see {@link #countersByTenant()}).
   */
  public WorkgroupZone(
      WorkgroupService directory, ZoneSettings settings, CounterStore counters, String scope) {
    this(
        directory,
        settings,
        ServerCookies.random(Clock.systemUTC()),
        new DnsTally(Objects.requireNonNull(counters, "counters"), scope));
  }

  private WorkgroupZone(
      WorkgroupService directory, ZoneSettings settings, ServerCookies cookies, DnsTally tally) {
    this.tally = tally;
    this.directory = Objects.requireNonNull(directory, "directory");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.cookies = Objects.requireNonNull(cookies, "cookies");
    this.soa = soa(settings.ttl());
    // RFC 2308 §3: the SOA of a negative answer lives min(SOA TTL, SOA minimum)
    this.negativeSoa = soa(Math.min(settings.ttl(), settings.negativeTtl()));
  }

  private SOARecord soa(long ttl) {
    return new SOARecord(
        settings.origin(),
        DClass.IN,
        ttl,
        settings.primary(),
        settings.mailbox(),
        settings.serial(),
        3600,
        600,
        86400,
        settings.negativeTtl());
  }

  public Name origin() {
    return settings.origin();
  }

  public ZoneSettings settings() {
    return settings;
  }

  /**
   * Answers one query in wire format.
   *
   * @param query the DNS message as received (for TCP without the 2-byte length)
   * @param asker who asks, or null if the source is not a known member (everything is REFUSED)
   * @return the response in wire format, truncated (TC) to what the transport allows, or null if
   *     the input is to be dropped
   */
  public byte[] answer(byte[] query, MemberId asker, Transport transport) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(transport, "transport");
    tally.count(asker, DnsTally.Outcome.QUERY);
    if (query.length < Header.LENGTH) {
      tally.count(asker, DnsTally.Outcome.DROPPED);
      return null;
    }
    Header header;
    try {
      header = new Header(Arrays.copyOf(query, Header.LENGTH));
    } catch (IOException e) {
      tally.count(asker, DnsTally.Outcome.DROPPED);
      return null;
    }
    if (header.getFlag(Flags.QR)) {
      tally.count(asker, DnsTally.Outcome.DROPPED);
      return null;
    }
    Message parsed;
    try {
      parsed = new Message(query);
    } catch (IOException | RuntimeException e) {
      tally.count(asker, DnsTally.Outcome.FORMERR);
      Message r = responseTo(header);
      r.getHeader().setRcode(Rcode.FORMERR);
      return r.toWire(PLAIN_UDP_MAX);
    }
    Message response = respond(parsed, asker);
    return response.toWire(maxLength(parsed, transport));
  }

  /**
   * Answers one parsed query; what {@link #answer(byte[], MemberId, Transport)} does after parsing,
   * without the size limit. Returns null for a message that is not a query.
   */
  public Message answer(Message query, MemberId asker) {
    tally.count(asker, DnsTally.Outcome.QUERY);
    if (query.getHeader().getFlag(Flags.QR)) {
      tally.count(asker, DnsTally.Outcome.DROPPED);
      return null;
    }
    return respond(query, asker);
  }

  public DnsCounters counters() {
    return tally.counters();
  }

  /**
   * The counts by the asker's tenant, in id order ({@code ""}: sources that are no member); they
   * add up to {@link #counters()}.
   */
  public Map<String, DnsCounters> countersByTenant() {
    return tally.byTenant();
  }

  private int maxLength(Message query, Transport transport) {
    if (transport == Transport.TCP) {
      return TCP_MAX;
    }
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return PLAIN_UDP_MAX;
    }
    // RFC 6891 §6.2.3 and §6.2.5: below 512 counts as 512; never more than we advertise
    return Math.max(PLAIN_UDP_MAX, Math.min(opt.getPayloadSize(), settings.udpPayloadSize()));
  }

  private Message respond(Message query, MemberId asker) {
    Header qh = query.getHeader();
    Message r = responseTo(qh);
    Header h = r.getHeader();

    List<Record> questions = query.getSection(Section.QUESTION);
    List<OPTRecord> opts = new ArrayList<>();
    for (Record rec : query.getSection(Section.ADDITIONAL)) {
      if (rec instanceof OPTRecord) {
        opts.add((OPTRecord) rec);
      }
    }
    // RFC 6891 §6.1.1: one OPT at most, owned by the root
    if (opts.size() > 1 || (opts.size() == 1 && !opts.get(0).getName().equals(Name.root))) {
      tally.count(asker, DnsTally.Outcome.FORMERR);
      h.setRcode(Rcode.FORMERR);
      return r;
    }
    OPTRecord opt = opts.isEmpty() ? null : opts.get(0);
    List<EDNSOption> cookieOptions =
        opt == null ? List.of() : opt.getOptions(EDNSOption.Code.COOKIE);
    if (cookieOptions.size() > 1) {
      tally.count(asker, DnsTally.Outcome.FORMERR);
      h.setRcode(Rcode.FORMERR);
      return r;
    }
    CookieOption clientCookie =
        cookieOptions.isEmpty() ? null : (CookieOption) cookieOptions.get(0);

    if (questions.size() == 1) {
      r.addRecord(questions.get(0), Section.QUESTION);
    }
    if (opt != null && opt.getVersion() > 0) {
      tally.count(asker, DnsTally.Outcome.BADVERS);
      addOpt(r, opt, clientCookie, asker, Rcode.BADVERS);
      return r;
    }
    if (qh.getOpcode() != Opcode.QUERY) {
      tally.count(asker, DnsTally.Outcome.NOTIMP);
      h.setRcode(Rcode.NOTIMP);
      addOpt(r, opt, clientCookie, asker, Rcode.NOTIMP);
      return r;
    }
    if (questions.isEmpty() && clientCookie != null) {
      // RFC 7873 §5.4: a client asking for a server cookie only
      tally.count(asker, DnsTally.Outcome.NODATA);
      addOpt(r, opt, clientCookie, asker, Rcode.NOERROR);
      return r;
    }
    if (questions.size() != 1) {
      tally.count(asker, DnsTally.Outcome.FORMERR);
      h.setRcode(Rcode.FORMERR);
      addOpt(r, opt, clientCookie, asker, Rcode.FORMERR);
      return r;
    }
    int rcode = lookup(questions.get(0), asker, r);
    h.setRcode(rcode);
    addOpt(r, opt, clientCookie, asker, rcode);
    return r;
  }

  /** Fills the answer or authority section, sets AA; returns the rcode and counts it. */
  private int lookup(Record question, MemberId asker, Message r) {
    Name qname = question.getName();
    int qtype = question.getType();
    if (asker == null
        || question.getDClass() != DClass.IN
        || !qname.subdomain(settings.origin())
        || qtype == Type.AXFR
        || qtype == Type.IXFR) {
      tally.count(asker, DnsTally.Outcome.REFUSED);
      return Rcode.REFUSED;
    }
    r.getHeader().setFlag(Flags.AA);

    if (qname.equals(settings.origin())) {
      if (qtype == Type.SOA || qtype == Type.ANY) {
        r.addRecord(soa, Section.ANSWER);
        tally.count(asker, DnsTally.Outcome.ANSWER);
        return Rcode.NOERROR;
      }
      return noData(r, asker);
    }

    Optional<Member> member = lookupMember(qname);
    if (member.isPresent() && visible(asker, member.get().id())) {
      boolean answered = false;
      if (qtype == Type.A || qtype == Type.ANY) {
        r.addRecord(
            new ARecord(
                qname, DClass.IN, settings.ttl(), member.get().id().privateAddress().toBytes()),
            Section.ANSWER);
        answered = true;
      }
      if (qtype == Type.CERT || qtype == Type.ANY) {
        for (byte[] der : certificatesOf(qname)) {
          r.addRecord(CertRecords.pkix(qname, settings.ttl(), der), Section.ANSWER);
          answered = true;
        }
      }
      if (answered) {
        tally.count(asker, DnsTally.Outcome.ANSWER);
        return Rcode.NOERROR;
      }
      return noData(r, asker);
    }
    if (isEmptyNonTerminal(qname, asker)) {
      return noData(r, asker);
    }
    tally.count(asker, DnsTally.Outcome.NXDOMAIN);
    r.addRecord(negativeSoa, Section.AUTHORITY);
    return Rcode.NXDOMAIN;
  }

  /**
   * The certificates the MSM's CA issued under {@code qname} (seed 002 c55), if the directory
   * answers at once: a query is answered now or not at all.
   */
  private List<byte[]> certificatesOf(Name qname) {
    List<List<byte[]>> got = new ArrayList<>(1);
    certificates.certificates(qname.toString(true), got::add);
    if (got.isEmpty()) {
      return List.of();
    }
    return got.get(0).stream().filter(CertRecords::isCertificate).toList();
  }

  /**
   * Where CERT records come from (seed 002 c55): the certificates of the MSM's CA, by the DNS name
   * they certify; null: none are published.
   */
  public void setCertificates(CertificateDirectory directory) {
    this.certificates = directory == null ? CertificateDirectory.NONE : directory;
  }

  private int noData(Message r, MemberId asker) {
    tally.count(asker, DnsTally.Outcome.NODATA);
    r.addRecord(negativeSoa, Section.AUTHORITY);
    return Rcode.NOERROR;
  }

  private boolean visible(MemberId asker, MemberId target) {
    return asker.equals(target) || directory.permits(asker, target);
  }

  private Optional<Member> lookupMember(Name qname) {
    try {
      return directory.memberByFqdn(qname.toString(true));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** True if some name the asker may see lies strictly below {@code qname}. */
  private boolean isEmptyNonTerminal(Name qname, MemberId asker) {
    List<Member> seen = new ArrayList<>(directory.visibleTo(asker));
    directory.member(asker).ifPresent(seen::add);
    for (Member m : seen) {
      Name n;
      try {
        n = ZoneSettings.absolute(m.fqdn());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (n.labels() > qname.labels() && n.subdomain(qname)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 6891: an OPT in the query, and only then, gets an OPT in the response. */
  private void addOpt(
      Message r, OPTRecord query, CookieOption clientCookie, MemberId asker, int rcode) {
    if (query == null) {
      return;
    }
    // the high 8 of the 12 rcode bits travel in the OPT (RFC 6891 §6.1.3)
    r.getHeader().setRcode(rcode & 0xF);
    int flags = query.getFlags() & ExtendedFlags.DO;
    List<EDNSOption> options = new ArrayList<>(1);
    if (clientCookie != null) {
      byte[] client = clientCookie.getClientCookie();
      options.add(new CookieOption(client, cookies.make(client, cookieBinding(asker))));
    }
    r.addRecord(
        new OPTRecord(settings.udpPayloadSize(), rcode >>> 4, 0, flags, options),
        Section.ADDITIONAL);
  }

  /** True if the query's COOKIE option carries a server cookie this zone made for the asker. */
  public boolean hasValidServerCookie(Message query, MemberId asker) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return false;
    }
    for (EDNSOption o : opt.getOptions(EDNSOption.Code.COOKIE)) {
      CookieOption c = (CookieOption) o;
      Optional<byte[]> server = c.getServerCookie();
      if (server.isPresent()
          && cookies.valid(c.getClientCookie(), server.get(), cookieBinding(asker))) {
        return true;
      }
    }
    return false;
  }

  private static String cookieBinding(MemberId asker) {
    return asker == null ? "" : asker.toString();
  }

  /** An empty response: the query's ID and opcode, RD and CD copied (RFC 1035 §4.1.1). */
  private static Message responseTo(Header query) {
    Message r = new Message(query.getID());
    Header h = r.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(query.getOpcode());
    for (int flag : new int[] {Flags.RD, Flags.CD}) {
      if (query.getFlag(flag)) {
        h.setFlag(flag);
      }
    }
    return r;
  }
}
