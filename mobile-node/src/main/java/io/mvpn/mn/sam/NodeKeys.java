package io.mvpn.mn.sam;

import java.io.File;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * What the node needs from Kerberos to talk to its manager: its ticket for the manager's service
 * and its own keys (which open the manager's SAM_INSTALLs).
 */
public record NodeKeys(SgtTicket managerTicket, Keytab keytab) {

  /** Where a node's keys come from; may block (a KDC exchange). */
  public interface Source {
    NodeKeys get() throws Exception;
  }

  /**
   * From the node's keytab and the realm's KDC (named in the krb5.conf of {@code settings}): an AS
   * exchange for the node's TGT, then a TGS exchange for the manager's service.
   */
  public static Source fromKeytab(SamSettings settings) {
    return () -> {
      File keytab = settings.keytab().toFile();
      if (!keytab.canRead()) {
        throw new IllegalStateException("cannot read the keytab " + keytab);
      }
      KrbClient client = new KrbClient(settings.krb5ConfDir().toFile());
      client.init();
      SgtTicket ticket =
          client.requestSgt(
              client.requestTgt(settings.principal(), keytab), settings.managerPrincipal());
      return new NodeKeys(ticket, Keytab.loadKeytab(keytab));
    };
  }
}
