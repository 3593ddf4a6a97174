package io.mvpn.metrics;

import io.mvpn.api.MvpnId;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.tenant.Tenant;
import java.util.Arrays;
import java.util.Map;

/**
 * Gives every sample of a tenant's function the {@code tenant} label. A function instance that
 * serves one tenant says so in its service properties ({@value Tenant#TENANT_PROPERTY}, or the
 * {@code tenant} its cfg names), as home agents, site gateways, SA managers do, and as any security
 * gateway or IKE daemon does whose cfg carries {@code mvpn.tenant = ID}; its samples get the label
 * unless they carry one already. A source serving every tenant (the shared foreign agent, the DNS,
 * NAPT) labels its own samples where it counts per tenant.
 */
public final class TenantLabels {

  /** The label every per-tenant sample carries. */
  public static final String LABEL = "tenant";

  private TenantLabels() {}

  /** The tenant a source's service properties name, or null. */
  public static String tenantOf(Map<String, ?> properties) {
    for (String key : new String[] {Tenant.TENANT_PROPERTY, LABEL}) {
      Object value = properties == null ? null : properties.get(key);
      if (value instanceof String text && !text.isBlank()) {
        try {
          return MvpnId.of(text.strip()).value();
        } catch (IllegalArgumentException notAnId) {
          // A property of the same name meaning something else: no label rather than a wrong one.
        }
      }
    }
    return null;
  }

  /** The source, its samples labelled with the tenant its properties name (itself when none). */
  public static MetricSource labelled(MetricSource source, Map<String, ?> properties) {
    String tenant = tenantOf(properties);
    return tenant == null ? source : sink -> source.collect(new Labelling(sink, tenant));
  }

  /** Labels without a {@code tenant} get it; labels with one keep theirs. */
  static String[] withTenant(String[] labels, String tenant) {
    if (labels == null || labels.length % 2 != 0) {
      return labels; // the scrape refuses it with its reason
    }
    for (int i = 0; i < labels.length; i += 2) {
      if (LABEL.equals(labels[i])) {
        return labels;
      }
    }
    String[] out = Arrays.copyOf(labels, labels.length + 2);
    out[labels.length] = LABEL;
    out[labels.length + 1] = tenant;
    return out;
  }

  private record Labelling(MetricSink sink, String tenant) implements MetricSink {
    @Override
    public void counter(String name, String help, long value, String... labels) {
      sink.counter(name, help, value, withTenant(labels, tenant));
    }

    @Override
    public void gauge(String name, String help, double value, String... labels) {
      sink.gauge(name, help, value, withTenant(labels, tenant));
    }
  }
}
