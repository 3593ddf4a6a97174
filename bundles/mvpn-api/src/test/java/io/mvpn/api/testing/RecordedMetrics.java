package io.mvpn.api.testing;

import io.mvpn.api.metrics.MetricSink;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MetricSink} for tests of metric sources: each sample kept as {@code name[label, value,
 * ...]=value}, a gauge's value cut to a whole number.
 */
public final class RecordedMetrics implements MetricSink {

  private final List<String> samples = new ArrayList<>();

  @Override
  public void counter(String name, String help, long value, String... labels) {
    samples.add(name + List.of(labels) + "=" + value);
  }

  @Override
  public void gauge(String name, String help, double value, String... labels) {
    samples.add(name + List.of(labels) + "=" + (long) value);
  }

  public List<String> samples() {
    return samples;
  }
}
