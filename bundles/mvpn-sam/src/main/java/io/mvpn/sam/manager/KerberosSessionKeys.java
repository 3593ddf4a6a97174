package io.mvpn.sam.manager;

import java.io.File;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;

/**
 * Session keys from a Kerberos KDC, mvpn's or an MIT one: the manager logs in as its own service
 * principal from a keytab, keeps the TGT, and asks for a service ticket per peer. A TGT that stops
 * working (expired, the KDC's key changed) is replaced once before the request fails.
 */
public final class KerberosSessionKeys implements SessionKeySource {

  private final KrbClient client;
  private final String principal;
  private final File keytab;
  private TgtTicket tgt;

  /**
   * @param krb5ConfDir a directory holding the krb5.conf that names the realm's KDC
   * @param principal the manager's own principal, e.g. {@code kink/sam1.acme.mvpn.test@REALM}
   * @param keytab its keys
   */
  public KerberosSessionKeys(File krb5ConfDir, String principal, File keytab)
      throws KdcUnavailableException {
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
  public EncryptionKey sessionKey(String servicePrincipal) throws KdcUnavailableException {
    try {
      return client.requestSgt(tgt(false), servicePrincipal).getSessionKey();
    } catch (KrbException first) {
      try {
        return client.requestSgt(tgt(true), servicePrincipal).getSessionKey();
      } catch (KrbException e) {
        throw new KdcUnavailableException(
            "no ticket for " + servicePrincipal + ": " + e.getMessage(), e);
      }
    }
  }

  private TgtTicket tgt(boolean renew) throws KrbException {
    if (tgt == null || renew) {
      tgt = client.requestTgt(principal, keytab);
    }
    return tgt;
  }
}
