/**
 * The mobile service manager (seed 002 c5, c13, c20): the workgroup portal members sign on to and
 * fetch membership lists from, each member with its FQDN, private address and gateway address.
 */
@Export
@Version("0.2.0")
package io.mvpn.msm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
