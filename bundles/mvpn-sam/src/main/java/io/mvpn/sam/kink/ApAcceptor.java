package io.mvpn.sam.kink;

import java.io.IOException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.common.EncryptionUtil;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.ap.ApRep;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.ap.Authenticator;
import org.apache.kerby.kerberos.kerb.type.ap.EncAPRepPart;
import org.apache.kerby.kerberos.kerb.type.base.EncryptedData;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.ticket.EncTicketPart;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;

/**
 * The receiving end of KINK's Kerberos (RFC 4430 §3, RFC 4120 §3.2.3) for one service principal:
 * opens the ticket with the service's key from its keytab, the authenticator with the ticket's
 * session key, and refuses a client that differs from the ticket's, a ticket outside its times, an
 * authenticator outside the clock skew, and one it has seen before. Times come from a {@link
 * KerberosClock}, so virtual time drives skew and expiry as it drives everything else.
 *
 * <p>The ticket is opened with the keytab's key of the ticket's encryption type and key version
 * (kvno): after the KDC changed the service's key, tickets issued before still open with the older
 * key the keytab keeps beside the new one.
 *
 * <p>The replay cache holds an authenticator only once its whole message passed ({@link
 * #remember}), so a forged or refused message cannot spend a genuine one's authenticator. Entries
 * older than the skew are dropped, since the skew check refuses them anyway; they are swept oldest
 * first by authenticator time, which need not be the order they arrived in.
 */
public final class ApAcceptor {

  /** An AP-REQ that passed: who sent it, the key of the exchange, and its authenticator's time. */
  public record Accepted(String client, EncryptionKey sessionKey, long ctimeMillis, int cusec) {
    String replayKey() {
      return client + " " + ctimeMillis + " " + cusec;
    }
  }

  private Keytab keytab;
  private final PrincipalName service;
  private final KerberosClock clock;
  private final long skewMillis;
  private final Set<String> seen = new HashSet<>();
  private final PriorityQueue<Accepted> byCtime =
      new PriorityQueue<>(Comparator.comparingLong(Accepted::ctimeMillis));

  /**
   * @param service the principal the AP-REQs must be for, e.g. {@code kink/sam@ACME.MVPN.TEST}
   * @param skewMillis the allowed clock difference, 300,000 (five minutes) as MIT and RFC 4430 use
   */
  public ApAcceptor(Keytab keytab, String service, KerberosClock clock, long skewMillis) {
    this.keytab = keytab;
    this.service = new PrincipalName(service);
    this.clock = clock;
    this.skewMillis = skewMillis;
  }

  /**
   * The keys AP-REQs are opened with from now on: the keytab as it reads after the KDC changed the
   * service's key. The replay cache stays, so what was accepted before is still refused again.
   */
  public void useKeytab(Keytab fresh) {
    this.keytab = fresh;
  }

  /** The service principal this acceptor is for. */
  public String service() {
    return service.getName();
  }

  /** Authenticators held against replay. */
  public int replayCacheSize() {
    return seen.size();
  }

  /**
   * Checks an AP-REQ's DER; the caller verifies its message under the key, then remembers it. Any
   * field the decoder left out, or anything Kerby throws on a hostile value, is a typed refusal.
   */
  public Accepted accept(byte[] der) throws KinkRefusedException {
    try {
      return check(der);
    } catch (RuntimeException e) {
      throw new KinkRefusedException(KinkRefusal.BAD_AP_REQ, "unusable AP-REQ: " + e);
    }
  }

  private Accepted check(byte[] der) throws KinkRefusedException {
    ApReq request = new ApReq();
    try {
      request.decode(der);
    } catch (IOException | RuntimeException e) {
      throw new KinkRefusedException(KinkRefusal.BAD_AP_REQ, "not an AP-REQ: " + e.getMessage());
    }
    Ticket ticket = request.getTicket();
    if (ticket == null
        || ticket.getSname() == null
        || ticket.getEncryptedEncPart() == null
        || request.getEncryptedAuthenticator() == null) {
      throw new KinkRefusedException(KinkRefusal.BAD_AP_REQ, "no ticket or authenticator");
    }
    PrincipalName sname = new PrincipalName(ticket.getSname().getName() + "@" + ticket.getRealm());
    if (!sname.equals(service)) {
      throw new KinkRefusedException(KinkRefusal.BAD_AP_REQ, "a ticket for " + sname.getName());
    }
    EncryptionKey serviceKey = serviceKey(ticket.getEncryptedEncPart());
    EncTicketPart part;
    Authenticator authenticator;
    try {
      part =
          EncryptionUtil.unseal(
              ticket.getEncryptedEncPart(),
              serviceKey,
              KeyUsage.KDC_REP_TICKET,
              EncTicketPart.class);
      authenticator =
          EncryptionUtil.unseal(
              request.getEncryptedAuthenticator(),
              part.getKey(),
              KeyUsage.AP_REQ_AUTH,
              Authenticator.class);
    } catch (KrbException | RuntimeException e) {
      throw new KinkRefusedException(KinkRefusal.BAD_TICKET, e.getMessage());
    }
    if (part.getKey() == null
        || part.getCname() == null
        || part.getEndTime() == null
        || (part.getStartTime() == null && part.getAuthTime() == null)
        || authenticator.getCtime() == null) {
      throw new KinkRefusedException(
          KinkRefusal.BAD_TICKET, "a ticket or authenticator lacks a field");
    }
    String client = name(part.getCname(), part.getCrealm());
    if (authenticator.getCname() == null
        || !client.equals(name(authenticator.getCname(), authenticator.getCrealm()))) {
      throw new KinkRefusedException(KinkRefusal.CLIENT_MISMATCH, "ticket of " + client);
    }
    long now = clock.unixMillis();
    long start = (part.getStartTime() != null ? part.getStartTime() : part.getAuthTime()).getTime();
    if (now + skewMillis < start || now - skewMillis > part.getEndTime().getTime()) {
      throw new KinkRefusedException(KinkRefusal.TICKET_EXPIRED, "ticket of " + client);
    }
    long ctime = authenticator.getCtime().getTime();
    if (Math.abs(now - ctime) > skewMillis) {
      throw new KinkRefusedException(
          KinkRefusal.CLOCK_SKEW, "authenticator " + (ctime - now) + " ms from our clock");
    }
    Accepted accepted = new Accepted(client, part.getKey(), ctime, authenticator.getCusec());
    forgetOlderThan(now - skewMillis);
    if (seen.contains(accepted.replayKey())) {
      throw new KinkRefusedException(KinkRefusal.REPLAY, "authenticator of " + client + " again");
    }
    return accepted;
  }

  /** Holds an accepted authenticator against replay, once its message proved genuine. */
  public void remember(Accepted accepted) {
    forgetOlderThan(clock.unixMillis() - skewMillis);
    if (seen.add(accepted.replayKey())) {
      byCtime.add(accepted);
    }
  }

  /**
   * The keytab's key for a sealed ticket: its encryption type, and its key version when the ticket
   * names one (an entry without the 32-bit extension holds only the version's low 8 bits); without
   * a version, the newest key of the type.
   */
  private EncryptionKey serviceKey(EncryptedData sealed) throws KinkRefusedException {
    int kvno = sealed.getKvno();
    KeytabEntry newest = null;
    for (KeytabEntry entry : keytab.getKeytabEntries(service)) {
      if (entry.getKey() == null || entry.getKey().getKeyType() != sealed.getEType()) {
        continue;
      }
      boolean eightBits = kvno > 0xFF && entry.getKvno() <= 0xFF;
      if (kvno > 0 && (entry.getKvno() == kvno || eightBits && entry.getKvno() == (kvno & 0xFF))) {
        return entry.getKey();
      }
      if (kvno <= 0 && (newest == null || entry.getKvno() > newest.getKvno())) {
        newest = entry;
      }
    }
    if (newest == null) {
      throw new KinkRefusedException(
          KinkRefusal.BAD_AP_REQ,
          "no key of type " + sealed.getEType() + (kvno > 0 ? " and kvno " + kvno : ""));
    }
    return newest.getKey();
  }

  /** The AP-REP that proves to the sender this end holds the key (RFC 4120 §3.2.4). */
  public static byte[] apRep(Accepted accepted) {
    EncAPRepPart part = new EncAPRepPart();
    part.setCtime(new org.apache.kerby.kerberos.kerb.type.KerberosTime(accepted.ctimeMillis()));
    part.setCusec(accepted.cusec());
    ApRep rep = new ApRep();
    try {
      rep.setEncryptedEncPart(
          EncryptionUtil.seal(part, accepted.sessionKey(), KeyUsage.AP_REP_ENCPART));
      return rep.encode();
    } catch (KrbException | IOException e) {
      throw new IllegalStateException("AP-REP not made: " + e.getMessage(), e);
    }
  }

  static String name(PrincipalName name, String realm) {
    return String.join("/", name.getNameStrings()) + "@" + realm;
  }

  private void forgetOlderThan(long oldest) {
    while (!byCtime.isEmpty() && byCtime.peek().ctimeMillis() < oldest) {
      seen.remove(byCtime.poll().replayKey());
    }
  }
}
