/**
 * What every function's configuration shares: the reading of list-valued settings, and the typed
 * refusal of a bad value (PID, field, reason) with the service that lists the refusals.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.2.0")
package io.mvpn.api.config;
