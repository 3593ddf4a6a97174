/**
 * Bounded journals of what an operator looks back at (a dashboard's handover timeline, its traffic
 * graphs), kept by the store bundle so they outlive updates and restarts of the function that
 * writes them.
 */
@Export
@Version("0.1.0")
package io.mvpn.api.history;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
