package io.mvpn.sam.kink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.common.EncryptionUtil;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.ap.ApOptions;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.ap.Authenticator;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AP-REQs that decode but lack what RFC 4120 requires are refused by type, never thrown; the
 * ticket's key version picks the key; the replay cache forgets by authenticator time.
 */
class ApAcceptorTest {

  @TempDir static Path dir;

  private static KerberosPeers peers;
  private static SgtTicket ticket;

  private final KerberosClock clock =
      new KerberosClock(new VirtualTimeScheduler(), System.currentTimeMillis());

  @BeforeAll
  static void startKdc() throws Exception {
    peers = KerberosPeers.start(dir);
    ticket = peers.serviceTicket();
  }

  @AfterAll
  static void stopKdc() {
    peers.close();
  }

  @Test
  void aGenuineApReqIsAccepted() throws Exception {
    ApAcceptor.Accepted accepted =
        peers
            .acceptor(clock)
            .accept(ApInitiator.apReq(ticket, KerberosPeers.INITIATOR, clock).der());

    assertThat(accepted.client()).isEqualTo(KerberosPeers.INITIATOR);
  }

  @Test
  void aTicketWithoutItsEncryptedPartIsRefusedAsABadApReq() throws Exception {
    Ticket bare = new Ticket();
    bare.setSname(ticket.getTicket().getSname());
    bare.setRealm(ticket.getTicket().getRealm());
    ApReq request = new ApReq();
    request.setApOptions(new ApOptions());
    request.setTicket(bare);
    ApReq genuine = new ApReq();
    genuine.decode(ApInitiator.apReq(ticket, KerberosPeers.INITIATOR, clock).der());
    request.setEncryptedAuthenticator(genuine.getEncryptedAuthenticator());

    assertRefused(request.encode(), KinkRefusal.BAD_AP_REQ);
  }

  @Test
  void anAuthenticatorWithoutItsTimeIsRefusedAsABadTicket() throws Exception {
    Authenticator timeless = new Authenticator();
    timeless.setAuthenticatorVno(5);
    timeless.setCrealm(KerberosPeers.REALM);
    timeless.setCname(new PrincipalName("node-a"));
    ApReq request = new ApReq();
    request.setApOptions(new ApOptions());
    request.setTicket(ticket.getTicket());
    request.setEncryptedAuthenticator(
        EncryptionUtil.seal(timeless, ticket.getSessionKey(), KeyUsage.AP_REQ_AUTH));

    assertRefused(request.encode(), KinkRefusal.BAD_TICKET);
  }

  @Test
  void theTicketsKeyVersionPicksTheKeyInAKeytabThatHoldsTheNewerOneFirst() throws Exception {
    SgtTicket issued = ticketOfKeyVersion(7);
    ApAcceptor acceptor =
        new ApAcceptor(keytab(genuineKey(issued), 7, 8), KerberosPeers.RESPONDER, clock, 300_000);

    ApAcceptor.Accepted accepted =
        acceptor.accept(ApInitiator.apReq(issued, KerberosPeers.INITIATOR, clock).der());

    assertThat(accepted.client()).isEqualTo(KerberosPeers.INITIATOR);
  }

  @Test
  void aTicketOfAKeyVersionTheKeytabDoesNotHoldIsRefusedAsABadApReq() throws Exception {
    SgtTicket issued = ticketOfKeyVersion(9);
    ApAcceptor acceptor =
        new ApAcceptor(keytab(genuineKey(issued), 7, 8), KerberosPeers.RESPONDER, clock, 300_000);

    assertRefused(
        acceptor,
        ApInitiator.apReq(issued, KerberosPeers.INITIATOR, clock).der(),
        KinkRefusal.BAD_AP_REQ);
  }

  @Test
  void aKeytabReadAgainAfterAKeyChangeOpensTicketsUnderTheNewKeyAndTheReplayCacheStays()
      throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    KerberosClock clock = new KerberosClock(time, System.currentTimeMillis());
    SgtTicket before = ticketOfKeyVersion(7);
    SgtTicket after = ticketOfKeyVersion(9);
    ApAcceptor acceptor =
        new ApAcceptor(keytab(genuineKey(before), 7, 8), KerberosPeers.RESPONDER, clock, 300_000);
    byte[] old = ApInitiator.apReq(before, KerberosPeers.INITIATOR, clock).der();
    acceptor.remember(acceptor.accept(old));
    time.advance(1, TimeUnit.SECONDS);
    byte[] underNewKey = ApInitiator.apReq(after, KerberosPeers.INITIATOR, clock).der();
    assertRefused(acceptor, underNewKey, KinkRefusal.BAD_AP_REQ);

    acceptor.useKeytab(keytab(genuineKey(after), 9, 10));

    assertThat(acceptor.replayCacheSize()).as("what was accepted before is still held").isOne();
    ApAcceptor.Accepted accepted = acceptor.accept(underNewKey);
    assertThat(accepted.client()).isEqualTo(KerberosPeers.INITIATOR);
    acceptor.remember(accepted);
    assertRefused(acceptor, underNewKey, KinkRefusal.REPLAY);
  }

  @Test
  void theReplayCacheForgetsAuthenticatorsByTheirTimeNotByTheOrderTheyCameIn() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    long now = System.currentTimeMillis();
    ApAcceptor acceptor = peers.acceptor(new KerberosClock(time, now));
    // A client whose clock runs 200 s ahead, then one 200 s behind: both within the skew.
    byte[] ahead =
        ApInitiator.apReq(ticket, KerberosPeers.INITIATOR, new KerberosClock(time, now + 200_000))
            .der();
    byte[] behind =
        ApInitiator.apReq(ticket, KerberosPeers.INITIATOR, new KerberosClock(time, now - 200_000))
            .der();
    acceptor.remember(acceptor.accept(ahead));
    acceptor.remember(acceptor.accept(behind));
    assertThat(acceptor.replayCacheSize()).isEqualTo(2);

    time.advance(150, TimeUnit.SECONDS);

    // The later arrival is the older authenticator: it leaves, the earlier one is still held.
    assertRefused(acceptor, ahead, KinkRefusal.REPLAY);
    assertThat(acceptor.replayCacheSize()).isEqualTo(1);
    assertRefused(acceptor, behind, KinkRefusal.CLOCK_SKEW);
  }

  /** A fresh ticket from the KDC, marked as sealed under key version {@code kvno}. */
  private static SgtTicket ticketOfKeyVersion(int kvno) throws Exception {
    SgtTicket issued = peers.serviceTicket();
    issued.getTicket().getEncryptedEncPart().setKvno(kvno);
    return issued;
  }

  /** The responder's key the KDC sealed {@code issued} with. */
  private static EncryptionKey genuineKey(SgtTicket issued) {
    return peers
        .responderKeys()
        .getKey(
            new PrincipalName(KerberosPeers.RESPONDER),
            issued.getTicket().getEncryptedEncPart().getEType());
  }

  /**
   * A keytab as one looks after the KDC changed the service's key: the new key (a random one of the
   * same type, version {@code newKvno}) listed before {@code key} at version {@code kvno}.
   */
  private static Keytab keytab(EncryptionKey key, int kvno, int newKvno) {
    PrincipalName service = new PrincipalName(KerberosPeers.RESPONDER);
    byte[] newer = new byte[key.getKeyData().length];
    new SecureRandom().nextBytes(newer);
    Keytab keytab = new Keytab();
    org.apache.kerby.kerberos.kerb.type.KerberosTime now =
        new org.apache.kerby.kerberos.kerb.type.KerberosTime();
    keytab.addEntry(
        new KeytabEntry(
            service, now, newKvno, new EncryptionKey(key.getKeyType(), newer, newKvno)));
    keytab.addEntry(
        new KeytabEntry(
            service, now, kvno, new EncryptionKey(key.getKeyType(), key.getKeyData(), kvno)));
    return keytab;
  }

  private void assertRefused(byte[] der, KinkRefusal refusal) {
    ApAcceptor acceptor = peers.acceptor(clock);
    assertRefused(acceptor, der, refusal);
    assertThat(acceptor.replayCacheSize()).isZero();
  }

  private static void assertRefused(ApAcceptor acceptor, byte[] der, KinkRefusal refusal) {
    assertThatThrownBy(() -> acceptor.accept(der))
        .isInstanceOfSatisfying(
            KinkRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(refusal));
  }
}
