package io.mvpn.sam.manager;

import java.io.File;
import java.util.function.LongSupplier;
import org.apache.kerby.kerberos.kerb.KrbErrorCode;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;

/**
 * Session keys from a Kerberos KDC, mvpn's or an MIT one: the manager logs in as its own service
 * principal from a keytab, keeps the TGT, and asks for a service ticket per peer. The TGT is
 * replaced before it runs out ({@link #RENEW_BEFORE_MILLIS} ahead of its end, so no request meets
 * an expired one and pays a failed TGS exchange first), and a TGT that stops working anyway (the
 * KDC's key changed) is replaced once before the request fails.
 */
public final class KerberosSessionKeys implements SessionKeySource {

  /** How long before its end a TGT is replaced: the clock skew Kerberos allows, five minutes. */
  public static final long RENEW_BEFORE_MILLIS = 300_000;

  private final KrbClient client;
  private final String principal;
  private final File keytab;
  private final LongSupplier unixMillis;
  private TgtTicket tgt;
  private long tgtRequests;

  /**
   * @param krb5ConfDir a directory holding the krb5.conf that names the realm's KDC
   * @param principal the manager's own principal, e.g. {@code kink/sam1.acme.mvpn.test@REALM}
   * @param keytab its keys
   */
  public KerberosSessionKeys(File krb5ConfDir, String principal, File keytab)
      throws KdcUnavailableException {
    this(krb5ConfDir, principal, keytab, System::currentTimeMillis);
  }

  /** As above, with the wall clock the TGT's end is compared with. */
  public KerberosSessionKeys(
      File krb5ConfDir, String principal, File keytab, LongSupplier unixMillis)
      throws KdcUnavailableException {
    this.unixMillis = unixMillis;
    try {
      this.client = new KrbClient(krb5ConfDir);
      this.client.init();
    } catch (KrbException e) {
      throw new KdcUnavailableException("no Kerberos client for " + principal, e);
    }
    this.principal = principal;
    this.keytab = keytab;
  }

  @Override
  public SgtTicket ticket(String servicePrincipal) throws KdcUnavailableException {
    try {
      return client.requestSgt(tgt(false), servicePrincipal);
    } catch (KrbException first) {
      try {
        return client.requestSgt(tgt(true), servicePrincipal);
      } catch (KrbException e) {
        throw new KdcUnavailableException(
            "no ticket for " + servicePrincipal + ": " + e.getMessage(),
            e,
            e.getKrbErrorCode() == KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN);
      }
    }
  }

  /** The manager's own principal, the client of every ticket it gets. */
  public String principal() {
    return principal;
  }

  /** AS exchanges made for the manager's TGT. */
  public long tgtRequests() {
    return tgtRequests;
  }

  /** When the TGT held ends (Unix ms), or 0 before the first. */
  public long tgtEndsAtUnixMillis() {
    return tgt == null ? 0 : tgt.getEncKdcRepPart().getEndTime().getTime();
  }

  private TgtTicket tgt(boolean renew) throws KrbException {
    if (tgt == null
        || renew
        || unixMillis.getAsLong() >= tgtEndsAtUnixMillis() - RENEW_BEFORE_MILLIS) {
      tgt = client.requestTgt(principal, keytab);
      tgtRequests++;
    }
    return tgt;
  }
}
