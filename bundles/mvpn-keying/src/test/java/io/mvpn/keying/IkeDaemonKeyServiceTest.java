package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.testing.MapKeyService;
import io.mvpn.api.testing.RecordingBundleContext;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/** How an IKE daemon lives with the key service coming and going. */
class IkeDaemonKeyServiceTest {

  private final ApplianceCa ca = new ApplianceCa();
  private final RecordingBundleContext recorder = new RecordingBundleContext();
  private final List<IkeDaemon> daemons = new ArrayList<>();

  @AfterEach
  void stop() {
    daemons.forEach(IkeDaemon::deactivate);
  }

  @Test
  void aDaemonNamingStoredKeysWaitsForTheKeyServiceAndOneWithoutStartsAtOnce() throws Exception {
    ca.activate(IkeDaemonTest.caConfig());
    IkeDaemon stored = activated("stored", 15700, "psk=keystore:site-psk");
    IkeDaemon inline = activated("inline", 15702, "psk=0x6d76706e2d696e6c696e652d6b6579");

    assertThat(recorder.services()).containsExactly(inline);

    MapKeyService keystore = new MapKeyService();
    keystore.add("site-psk", HexFormat.of().parseHex("6d76706e2d73746f7265642d6b6579"));
    stored.bindKeyService(keystore);
    assertThat(recorder.services()).containsExactly(inline, stored);

    // The store bundle updated: the service goes and comes back; nothing restarts or stops.
    stored.unbindKeyService(keystore);
    inline.unbindKeyService(keystore);
    stored.bindKeyService(keystore);
    assertThat(recorder.services()).containsExactly(inline, stored);
  }

  private IkeDaemon activated(String name, int port, String psk) throws Exception {
    IkeDaemon daemon = new IkeDaemon();
    daemon.ca = ca;
    daemons.add(daemon);
    IkeDaemon.Config config =
        IkeDaemonTest.config(
            name,
            port,
            port + 1,
            "peer remote=127.0.0.1:15799 id=" + name + ".test remoteId=peer.test " + psk,
            new String[0]);
    daemon.activate(
        config, recorder.context(), Map.of(Constants.SERVICE_PID, "io.mvpn.ike~" + name));
    return daemon;
  }
}
