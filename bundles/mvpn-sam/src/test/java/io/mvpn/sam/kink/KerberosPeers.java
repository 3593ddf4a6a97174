package io.mvpn.sam.kink;

import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import java.nio.file.Path;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.request.ApRequest;
import org.apache.kerby.kerberos.kerb.response.ApResponse;
import org.apache.kerby.kerberos.kerb.type.ap.ApRep;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;

/**
 * A realm's KDC with an initiator (a node, by password) and a responder (a KINK service, by
 * keytab): the real Kerberos messages a KINK exchange carries, made by Kerby's client.
 */
final class KerberosPeers implements AutoCloseable {

  static final String REALM = "ACME.MVPN.TEST";
  static final String INITIATOR = "node-a@" + REALM;
  static final String RESPONDER = "kink/sam1.acme.mvpn.test@" + REALM;

  private final RealmKdc kdc;
  private final KrbClient client;
  private final TgtTicket tgt;
  private final Keytab responderKeys;

  private KerberosPeers(RealmKdc kdc, KrbClient client, TgtTicket tgt, Keytab keys) {
    this.kdc = kdc;
    this.client = client;
    this.tgt = tgt;
    this.responderKeys = keys;
  }

  static KerberosPeers start(Path dir) throws Exception {
    RealmKdc kdc =
        RealmKdc.start(KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc")));
    kdc.addPrincipal(INITIATOR, "node a secret");
    kdc.addServicePrincipal(RESPONDER);
    Path keytab = dir.resolve("sam1.keytab");
    kdc.exportKeytab(RESPONDER, keytab);
    Keytab keys = Keytab.loadKeytab(keytab.toFile());
    KrbClient client = new KrbClient(kdc.clientConfigDir().toFile());
    client.init();
    TgtTicket tgt = client.requestTgt(INITIATOR, "node a secret");
    return new KerberosPeers(kdc, client, tgt, keys);
  }

  /** A service ticket for the responder, from the KDC (one TGS exchange). */
  SgtTicket serviceTicket() throws Exception {
    return client.requestSgt(tgt, RESPONDER);
  }

  /** The responder's keytab as the KDC exported it. */
  Keytab responderKeys() {
    return responderKeys;
  }

  /** mvpn's acceptor for the responder's service, on {@code clock}. */
  ApAcceptor acceptor(KerberosClock clock) {
    return new ApAcceptor(responderKeys, RESPONDER, clock, 300_000);
  }

  /** A fresh AP-REQ for the responder with {@code ticket}. */
  static ApReq apReq(SgtTicket ticket) throws Exception {
    return new ApRequest(new PrincipalName(INITIATOR), ticket).getApReq();
  }

  /** The responder's check of an AP-REQ: its ticket decrypted, the authenticator verified. */
  ApReq accept(byte[] apReq) throws Exception {
    ApReq request = new ApReq();
    request.decode(apReq);
    ApRequest.validate(serviceKey(request), request);
    return request;
  }

  /** The AP-REP answering an accepted AP-REQ. */
  ApRep apRep(ApReq accepted) throws Exception {
    return new ApResponse(accepted, serviceKey(accepted)).getApRep();
  }

  /** The responder's key of the type the KDC sealed the ticket with. */
  private EncryptionKey serviceKey(ApReq request) {
    EncryptionType sealedWith = request.getTicket().getEncryptedEncPart().getEType();
    return responderKeys.getKey(new PrincipalName(RESPONDER), sealedWith);
  }

  @Override
  public void close() {
    kdc.close();
  }
}
