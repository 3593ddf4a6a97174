/**
 * What functions tell an operator's monitoring: each function registers a {@link
 * io.mvpn.api.metrics.MetricSource} that reports its figures when the appliance is scraped. The
 * counts themselves live in {@link io.mvpn.api.mobility.CounterStore}, outside the function, so a
 * function's update does not set them back.
 */
@Export
@Version("0.1.0")
package io.mvpn.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
