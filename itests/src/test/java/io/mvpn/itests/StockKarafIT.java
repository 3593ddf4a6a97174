package io.mvpn.itests;

import static io.mvpn.itests.Karaf.awaitTenant;
import static io.mvpn.itests.Karaf.tenantService;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.mvpn.api.Prefix;
import io.mvpn.api.tenant.TenantService;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What docs/operations.md tells an admin with an existing Karaf 4.4.10: add the mvpn features
 * repository by its mvn URL and install mvpn-all. The repository is the one the build produced (the
 * appliance's system/ folder, a Maven layout), reached by pax-url like any remote one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafIT {

  @Inject BundleContext context;

  @Inject FeaturesService features;

  @Inject ConfigurationAdmin configAdmin;

  @org.ops4j.pax.exam.Configuration
  public Option[] config() {
    String stock =
        Path.of(System.getProperty("maven.repo.local"), "org", "apache", "karaf", "apache-karaf")
            .resolve(System.getProperty("karaf.version"))
            .resolve("apache-karaf-" + System.getProperty("karaf.version") + ".tar.gz")
            .toString();
    // The build's features repository sits in the appliance's system/ folder (a Maven layout);
    // Karaf reads such local folders from defaultRepositories, before any remote repository.
    String mvpnRepo =
        new File(System.getProperty("mvpn.assembly.system")).toURI() + "@id=mvpn@snapshots";
    return OptionUtils.combine(
        Karaf.distribution(stock, "stock karaf"),
        // What an operator adds to a stock Karaf for mvpn-metrics (docs/operations.md): the JDK
        // packages its JVM metrics and endpoint import, which Karaf's jre.properties leaves out.
        editConfigurationFileExtend(
            "etc/config.properties",
            "org.osgi.framework.system.packages.extra",
            "com.sun.management, com.sun.net.httpserver"),
        editConfigurationFilePut(
            Karaf.PAX_URL_CFG,
            "org.ops4j.pax.url.mvn.defaultRepositories",
            String.join(
                ",",
                "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots",
                "file:${karaf.data}/kar@id=kar.repository@multi@snapshots",
                mvpnRepo)));
  }

  @Test
  public void repoAddAndFeatureInstallBringUpMvpn() throws Exception {
    String version = System.getProperty("mvpn.version");
    features.addRepository(URI.create("mvn:io.mvpn/mvpn-features/" + version + "/xml/features"));
    features.installFeature("mvpn-all", EnumSet.noneOf(FeaturesService.Option.class));
    assertTrue(features.isInstalled(features.getFeature("mvpn-all")));

    List<Bundle> mvpn =
        Arrays.stream(context.getBundles())
            .filter(b -> b.getSymbolicName().startsWith("io.mvpn."))
            .toList();
    assertEquals(
        Karaf.MVPN_BUNDLES,
        mvpn.stream().map(Bundle::getSymbolicName).collect(java.util.stream.Collectors.toSet()));
    for (Bundle b : mvpn) {
      assertEquals(b.getSymbolicName(), Bundle.ACTIVE, b.getState());
    }

    // A stock Karaf ships no tenant; one made through Config Admin comes up at once.
    Configuration tenant = configAdmin.getFactoryConfiguration("io.mvpn.tenant", "acme", "?");
    Dictionary<String, Object> props = new Hashtable<>();
    props.put("mvpn.tenant", "acme");
    props.put("homeRealms", new String[] {"10.1.0.0/16"});
    tenant.update(props);
    TenantService tenants = tenantService(context, 30);
    assertEquals(
        List.of(Prefix.parse("10.1.0.0/16")),
        awaitTenant(tenants, "acme", true, 30).orElseThrow().homeRealms());
  }
}
