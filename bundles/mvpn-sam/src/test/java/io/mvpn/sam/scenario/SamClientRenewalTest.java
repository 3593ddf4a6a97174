package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's ticket for its manager replaced while it runs: the request already on the wire is
 * answered under the ticket it carried, the next one carries the fresh ticket, the SAs held stay.
 */
class SamClientRenewalTest {

  @TempDir static Path dir;

  private static SamRealm realm;
  private static KrbClient kerberos;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire wire = new VirtualWire(time);

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, 3);
    kerberos = new KrbClient(realm.kdcConfig());
    kerberos.init();
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  @Test
  void aRequestOnTheWireAtRenewalIsAnsweredUnderItsOwnTicketAndTheNextCarriesTheFreshOne()
      throws Exception {
    SamResponder sam = realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
    sam.knowNode(node(1), SamRealm.address(1));
    sam.knowNode(node(2), SamRealm.address(2));
    SamClient a = realm.node(time, wire, 0, 0);
    realm.node(time, wire, 1, 0);
    realm.node(time, wire, 2, 0);
    SgtTicket fresh = ticketOfNode0For(SamRealm.MANAGER);

    InstalledSa[] first = new InstalledSa[1];
    a.connect(node(1), SamRealm.readyInto(first));
    a.renewTicket(fresh);
    time.advance(1, TimeUnit.SECONDS);

    assertThat(first[0]).as("answered under the ticket it carried").isNotNull();
    assertThat(a.ticket()).isSameAs(fresh);
    InstalledSa[] second = new InstalledSa[1];
    a.connect(node(2), SamRealm.readyInto(second));
    time.advance(1, TimeUnit.SECONDS);

    assertThat(second[0]).isNotNull();
    assertThat(a.counters().requestsSent()).isEqualTo(2);
    assertThat(a.counters().refused().total()).isZero();
    assertThat(sam.counters().grants()).isEqualTo(2);
    assertThat(a.sa(node(1))).as("the SA held before the renewal").isEqualTo(first[0]);
  }

  @Test
  void aTicketForAnotherServiceIsRefusedAndTheOneHeldStays() throws Exception {
    SamClient a = realm.node(time, wire, 0, 0);
    SgtTicket held = a.ticket();

    assertThatThrownBy(() -> a.renewTicket(ticketOfNode0For(SamRealm.principal(node(1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SamRealm.principal(node(1)));
    assertThat(a.ticket()).isSameAs(held);
  }

  /** A new ticket of node00's for {@code service}, from the realm's KDC. */
  private static SgtTicket ticketOfNode0For(String service) throws Exception {
    TgtTicket tgt =
        kerberos.requestTgt(SamRealm.principal(node(0)), dir.resolve(node(0) + ".keytab").toFile());
    return kerberos.requestSgt(tgt, service);
  }
}
