package io.mvpn.sam.kink;

import java.io.IOException;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.common.EncryptionUtil;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.ap.ApOptions;
import org.apache.kerby.kerberos.kerb.type.ap.ApRep;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.ap.Authenticator;
import org.apache.kerby.kerberos.kerb.type.ap.EncAPRepPart;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * The sending end of KINK's Kerberos: an AP-REQ with a fresh authenticator stamped by a {@link
 * KerberosClock} (Kerby's own request reads the JVM's clock, which virtual time cannot move), and
 * the check of the AP-REP that answers it.
 */
public final class ApInitiator {

  /** An AP-REQ as sent: its DER and the authenticator time the AP-REP must repeat. */
  public record Sent(byte[] der, long ctimeMillis, int cusec) {}

  private ApInitiator() {}

  /** An AP-REQ from {@code client} (e.g. {@code kink/node1@REALM}) with {@code ticket}. */
  public static Sent apReq(SgtTicket ticket, String client, KerberosClock clock) {
    long micros = clock.unixMicros();
    long ctime = micros / 1_000_000 * 1000;
    int cusec = (int) (micros % 1_000_000);
    int at = client.lastIndexOf('@');
    Authenticator authenticator = new Authenticator();
    authenticator.setAuthenticatorVno(5);
    authenticator.setCrealm(client.substring(at + 1));
    authenticator.setCname(new PrincipalName(client.substring(0, at)));
    authenticator.setCtime(new KerberosTime(ctime));
    authenticator.setCusec(cusec);
    ApReq request = new ApReq();
    request.setApOptions(new ApOptions());
    request.setTicket(ticket.getTicket());
    try {
      request.setEncryptedAuthenticator(
          EncryptionUtil.seal(authenticator, ticket.getSessionKey(), KeyUsage.AP_REQ_AUTH));
      return new Sent(request.encode(), ctime, cusec);
    } catch (KrbException | IOException e) {
      throw new IllegalStateException("AP-REQ not made: " + e.getMessage(), e);
    }
  }

  /** Whether {@code apRep} answers {@code sent}: it opens under the key and repeats its time. */
  public static void checkApRep(byte[] apRep, EncryptionKey key, Sent sent)
      throws KinkRefusedException {
    try {
      ApRep rep = new ApRep();
      rep.decode(apRep);
      EncAPRepPart part =
          EncryptionUtil.unseal(
              rep.getEncryptedEncPart(), key, KeyUsage.AP_REP_ENCPART, EncAPRepPart.class);
      if (part.getCtime().getTime() != sent.ctimeMillis() || part.getCusec() != sent.cusec()) {
        throw new KinkRefusedException(KinkRefusal.BAD_AP_REP, "answers another AP-REQ");
      }
    } catch (KrbException | IOException | RuntimeException e) {
      throw new KinkRefusedException(KinkRefusal.BAD_AP_REP, String.valueOf(e.getMessage()));
    }
  }
}
