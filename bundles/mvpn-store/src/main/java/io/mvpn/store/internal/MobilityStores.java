package io.mvpn.store.internal;

import io.mvpn.api.history.HistoryStore;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.store.StateFile;
import io.mvpn.store.StoreBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's mobility state stores, from {@code etc/io.mvpn.store.cfg}: one backend, chosen by
 * {@code type}, whose stores it registers as services: one {@link BindingStore}, one {@link
 * VisitorStore}, one {@link CounterStore}, one {@link EspSaStore}, one {@link NaptMappingStore},
 * the {@link WorkgroupService} directory, one {@link WorkgroupSaStore}, one {@link SamPairStore}
 * and one {@link HistoryStore} in the appliance, never two of a kind. A change of configuration
 * closes the backend and opens the new one; users of the stores re-bind.
 */
// Registered by hand, so declared by hand: resolvers match the functions' service requirements.
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.mobility.BindingStore",
    uses = BindingStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.mobility.VisitorStore",
    uses = VisitorStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.mobility.CounterStore",
    uses = CounterStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.ipsec.EspSaStore",
    uses = EspSaStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.napt.NaptMappingStore",
    uses = NaptMappingStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.workgroup.WorkgroupService",
    uses = WorkgroupService.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.workgroup.WorkgroupSaStore",
    uses = WorkgroupSaStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.ipsec.SamPairStore",
    uses = SamPairStore.class)
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.history.HistoryStore",
    uses = HistoryStore.class)
@Component(
    configurationPid = MobilityStores.PID,
    immediate = true,
    service = {})
@Designate(ocd = MobilityStores.Config.class)
public final class MobilityStores {

  public static final String PID = "io.mvpn.store";

  private static final Logger LOG = LoggerFactory.getLogger(MobilityStores.class);

  static final String KARAF_DATA = "${karaf.data}";

  @ObjectClassDefinition(
      name = "mvpn state stores",
      description =
          "Where bindings, visitors, operator counters, gateways' SAs, NAPT mappings,"
              + " workgroups, SA managers' pairs and the dashboard's histories live")
  public @interface Config {
    @AttributeDefinition(
        name = "Type",
        description =
            "persistent: an embedded file kept across restarts and updates of any bundle;"
                + " memory: lost when the store bundle is updated or the appliance restarts",
        options = {
          @Option(label = "persistent", value = "persistent"),
          @Option(label = "memory", value = "memory")
        })
    String type() default "persistent";

    @AttributeDefinition(
        name = "Path",
        description = "The state file (persistent only); ${karaf.data} is the data directory")
    String path() default KARAF_DATA + "/mvpn/state.mv.db";

    @AttributeDefinition(
        name = "Commit interval (ms)",
        description =
            "persistent only: changes reach the file in one commit at most this often; a crash"
                + " loses at most the last interval, an orderly stop nothing. 0 commits each"
                + " change as it is made")
    long commitIntervalMillis() default StateFile.DEFAULT_COMMIT_INTERVAL_MILLIS;
  }

  private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
  private StoreBackend backend;

  /**
   * The path with {@code ${karaf.data}} replaced by the container's data directory, or outside
   * Karaf by {@code mvpn-data} in the temporary directory.
   */
  static Path resolve(String path) {
    String data = System.getProperty("karaf.data");
    if (data == null || data.isBlank()) {
      data = Path.of(System.getProperty("java.io.tmpdir"), "mvpn-data").toString();
    }
    return Path.of(path.replace(KARAF_DATA, data));
  }

  @Activate
  void activate(BundleContext context, Config config) {
    StoreBackend.Type type = StoreBackend.Type.parse(config.type());
    backend =
        type == StoreBackend.Type.MEMORY
            ? StoreBackend.inMemory()
            : StoreBackend.persistent(
                resolve(config.path()), Clock.systemUTC(), config.commitIntervalMillis());
    Dictionary<String, Object> properties = new Hashtable<>();
    properties.put("mvpn.store.type", type.name().toLowerCase(java.util.Locale.ROOT));
    if (backend.path() != null) {
      properties.put("mvpn.store.path", backend.path().toString());
    }
    registrations.add(context.registerService(BindingStore.class, backend.bindings(), properties));
    registrations.add(context.registerService(VisitorStore.class, backend.visitors(), properties));
    registrations.add(context.registerService(CounterStore.class, backend.counters(), properties));
    registrations.add(context.registerService(EspSaStore.class, backend.espSas(), properties));
    registrations.add(
        context.registerService(NaptMappingStore.class, backend.naptMappings(), properties));
    registrations.add(
        context.registerService(
            WorkgroupService.class, backend.workgroups().directory(), properties));
    registrations.add(
        context.registerService(WorkgroupSaStore.class, backend.workgroups().sas(), properties));
    registrations.add(context.registerService(SamPairStore.class, backend.samPairs(), properties));
    registrations.add(context.registerService(HistoryStore.class, backend.histories(), properties));
    LOG.info(
        "mobility state stores up: {}{}",
        properties.get("mvpn.store.type"),
        backend.path() == null
            ? ""
            : " in "
                + backend.path()
                + ", committed every "
                + config.commitIntervalMillis()
                + " ms");
  }

  @Deactivate
  void deactivate() {
    // Users let go first, so nothing writes into a closing file.
    registrations.forEach(ServiceRegistration::unregister);
    registrations.clear();
    backend.close();
    LOG.info("mobility state stores closed");
  }
}
