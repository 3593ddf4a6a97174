package io.mvpn.metrics;

import io.mvpn.api.metrics.MetricSource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's metrics in the Prometheus text format: at each scrape every {@link MetricSource}
 * is read afresh (nothing is cached between scrapes, so a function's update shows at once), plus
 * the JVM's own figures when asked for.
 */
public final class MetricsExposition {

  /** {@code text/plain; version=0.0.4; charset=utf-8}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsExposition.class);
  // Each offending name is logged once; a source gone wrong cannot flood the log.
  private static final int MAX_LOGGED_NAMES = 100;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Supplier<? extends Collection<MetricSource>> sources;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Set<String> logged = new HashSet<>();

  public MetricsExposition(Supplier<? extends Collection<MetricSource>> sources) {
    this.sources = sources;
    registry.register(this::collectSources);
  }

  /**
   * Adds the JVM's memory, threads, garbage collection, class loading, JIT, buffer pools, runtime
   * and process figures. Left out: the allocation-per-pool counter, which adds a listener to the
   * JVM's garbage collectors that nothing can remove, so every update of this bundle would leave
   * its old class loader behind.
   */
  public MetricsExposition withJvmMetrics() {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
    return this;
  }

  private MetricSnapshots collectSources() {
    Scrape scrape = new Scrape();
    Collection<MetricSource> now = sources.get();
    for (MetricSource source : now) {
      try {
        source.collect(scrape);
      } catch (RuntimeException e) {
        scrape.reject(source.getClass().getName(), "source failed: " + e);
      }
    }
    scrape.gauge(
        "mvpn_metrics_sources",
        "Metric sources (functions' components) read by this scrape.",
        now.size());
    scrape.gauge(
        "mvpn_metrics_rejected_samples",
        "Samples this scrape dropped because they would break the exposition; the log says why.",
        scrape.rejected());
    logRejections(scrape);
    return scrape.snapshots();
  }

  private void logRejections(Scrape scrape) {
    synchronized (logged) {
      scrape
          .rejections()
          .forEach(
              (name, why) -> {
                if (logged.size() < MAX_LOGGED_NAMES && logged.add(name)) {
                  LOG.warn("metric {} dropped from the exposition: {}", name, why);
                }
              });
    }
  }

  /** Writes one scrape. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** One scrape as text. */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
