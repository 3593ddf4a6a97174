package io.mvpn.api.metrics;

/**
 * A function's metrics, read at each scrape (whiteboard: register one or more as services; the
 * metrics exporter binds them dynamically, so a function's update only removes its source for the
 * moment the new one takes to start).
 *
 * <p>{@link #collect} runs on the exporter's thread, not on the function's loop: it may read only
 * what is safe across threads, such as {@link io.mvpn.api.mobility.CounterStore} counters,
 * concurrent maps and volatile fields. A source that reads state off its loop reports the last
 * figure it published there.
 */
@FunctionalInterface
public interface MetricSource {

  /** Reports every figure of the source to the sink. */
  void collect(MetricSink sink);
}
