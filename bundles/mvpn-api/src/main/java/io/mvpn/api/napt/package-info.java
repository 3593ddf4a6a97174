/**
 * Network address and port translation as a service: the translator the backbone router hands its
 * tenants' datagrams to, and the store its mappings live in, so they outlive the NAPT's code.
 */
@Export
@Version("0.3.0")
package io.mvpn.api.napt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
