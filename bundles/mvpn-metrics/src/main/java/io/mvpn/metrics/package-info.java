/**
 * The appliance's Prometheus exposition: the figures of every {@link
 * io.mvpn.api.metrics.MetricSource} and of the JVM, in the text format. Private to the bundle:
 * other functions reach it only by registering sources.
 */
package io.mvpn.metrics;
