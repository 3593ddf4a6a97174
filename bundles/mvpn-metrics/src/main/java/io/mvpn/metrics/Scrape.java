package io.mvpn.metrics;

import io.mvpn.api.metrics.MetricSink;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the sources reported during one scrape, checked and grouped by metric name. A sample that
 * would make the exposition invalid (see {@link MetricSink}) is dropped and counted instead, so one
 * function's mistake never spoils the others' figures.
 */
public final class Scrape implements MetricSink {

  private static final Pattern NAME = Pattern.compile("mvpn_[a-z0-9_]*[a-z0-9]");
  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]*");
  // Suffixes the text format gives meaning to (counters, histograms, summaries, info).
  private static final List<String> RESERVED =
      List.of("_total", "_created", "_bucket", "_info", "_count", "_sum");

  private final Map<String, Family> families = new TreeMap<>();
  private final Map<String, String> rejections = new TreeMap<>();
  private long rejected;

  private static final class Family {
    final boolean counter;
    final String help;
    Set<String> labelNames;
    Map<Labels, Double> points = new LinkedHashMap<>();

    Family(boolean counter, String help, Set<String> labelNames) {
      this.counter = counter;
      this.help = help;
      this.labelNames = labelNames;
    }

    /** The points so far get {@code tenant=""}: a later sample of the name has a tenant. */
    void addEmptyTenant() {
      Map<Labels, Double> widened = new LinkedHashMap<>();
      points.forEach((labels, value) -> widened.put(labels.add(TenantLabels.LABEL, ""), value));
      points = widened;
      labelNames = with(labelNames, TenantLabels.LABEL);
    }
  }

  private static Set<String> with(Set<String> names, String name) {
    Set<String> out = new TreeSet<>(names);
    out.add(name);
    return out;
  }

  @Override
  public void counter(String name, String help, long value, String... labels) {
    if (value < 0) {
      reject(name, "negative count " + value);
      return;
    }
    add(true, name, help, value, labels);
  }

  @Override
  public void gauge(String name, String help, double value, String... labels) {
    if (Double.isNaN(value)) {
      reject(name, "NaN");
      return;
    }
    add(false, name, help, value, labels);
  }

  private void add(boolean counter, String name, String help, double value, String[] labels) {
    String problem = checkNameAndHelp(name, help);
    if (problem == null) {
      problem = checkLabels(labels);
    }
    if (problem != null) {
      reject(name, problem);
      return;
    }
    String[] names = new String[labels.length / 2];
    String[] values = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = labels[2 * i];
      values[i] = labels[2 * i + 1];
    }
    Labels point = Labels.of(names, values);
    Set<String> pointNames = new TreeSet<>(Arrays.asList(names));
    Family family = families.get(name);
    if (family == null) {
      family = new Family(counter, help, pointNames);
      families.put(name, family);
    }
    // One family, some sources per tenant and some not (a site gateway beside a standalone
    // router): the samples without a tenant get an empty one, which Prometheus reads as none.
    if (!pointNames.contains(TenantLabels.LABEL)
        && family.labelNames.equals(with(pointNames, TenantLabels.LABEL))) {
      point = point.add(TenantLabels.LABEL, "");
      pointNames = family.labelNames;
    } else if (pointNames.contains(TenantLabels.LABEL)
        && !family.labelNames.contains(TenantLabels.LABEL)
        && pointNames.equals(with(family.labelNames, TenantLabels.LABEL))) {
      family.addEmptyTenant();
    }
    if (family.counter != counter) {
      reject(name, "reported as both a counter and a gauge");
    } else if (!family.help.equals(help)) {
      reject(name, "two help texts");
    } else if (!family.labelNames.equals(pointNames)) {
      reject(name, "label names " + pointNames + " differ from the first sample's");
    } else if (family.points.putIfAbsent(point, value) != null) {
      reject(name, "labels " + Arrays.toString(labels) + " reported twice");
    }
  }

  private static String checkNameAndHelp(String name, String help) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "not a name of the form mvpn_[a-z0-9_]+";
    }
    for (String suffix : RESERVED) {
      if (name.endsWith(suffix)) {
        return "ends with " + suffix + ", which the exposition reserves";
      }
    }
    if (help == null || help.isBlank()) {
      return "no help text";
    }
    return null;
  }

  private static String checkLabels(String[] labels) {
    if (labels == null || labels.length % 2 != 0) {
      return "labels do not come in name-value pairs";
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < labels.length; i += 2) {
      String label = labels[i];
      if (label == null || !LABEL.matcher(label).matches() || !seen.add(label)) {
        return "label name '" + label + "' is invalid or repeated";
      }
      if (labels[i + 1] == null) {
        return "label " + label + " has no value";
      }
    }
    return null;
  }

  /** Drops a sample, or a whole source that threw (named by its class), and says why. */
  void reject(String name, String problem) {
    rejections.putIfAbsent(String.valueOf(name), problem);
    rejected++;
  }

  /** Samples dropped in this scrape. */
  public long rejected() {
    return rejected;
  }

  /** Why samples were dropped: the first problem of each name. */
  public Map<String, String> rejections() {
    return rejections;
  }

  /** The families, ready for the exposition. */
  public MetricSnapshots snapshots() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    families.forEach(
        (name, family) -> {
          if (family.counter) {
            CounterSnapshot.Builder counter =
                CounterSnapshot.builder().name(name).help(family.help);
            family.points.forEach(
                (labels, value) ->
                    counter.dataPoint(
                        CounterDataPointSnapshot.builder().labels(labels).value(value).build()));
            out.metricSnapshot(counter.build());
          } else {
            GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(family.help);
            family.points.forEach(
                (labels, value) ->
                    gauge.dataPoint(
                        GaugeDataPointSnapshot.builder().labels(labels).value(value).build()));
            out.metricSnapshot(gauge.build());
          }
        });
    return out.build();
  }
}
