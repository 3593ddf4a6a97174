package io.mvpn.api.metrics;

/**
 * Where a {@link MetricSource} reports its figures during one scrape.
 *
 * <p>Names follow Prometheus: {@code mvpn_<function>_<what>}, in {@code [a-z0-9_]}, a counter's
 * without the {@code _total} the exposition adds. Labels come in pairs, name then value, such as
 * {@code "tenant", "acme", "code", "131"}; every sample of one name carries the same label names.
 * Help text says what one unit of the figure is. A sample whose name breaks these rules, whose kind
 * or help differs from the first one of its name, or whose labels repeat another's is dropped and
 * counted by the exporter, never thrown back at the source.
 */
public interface MetricSink {

  /** A count that only grows (it falls back only when an operator resets it). */
  void counter(String name, String help, long value, String... labels);

  /** A figure that goes up and down: bindings, SAs, mappings now. */
  void gauge(String name, String help, double value, String... labels);
}
