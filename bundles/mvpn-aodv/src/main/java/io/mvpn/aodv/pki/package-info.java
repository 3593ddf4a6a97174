/**
 * Seed 002's PKI hellos (c50-56): signing a hello and the sink's answer with a certificate's key,
 * checking a certificate against the MSM's CA and CRL, refusing replays, and fetching a node's
 * certificate from the MSM's DNS as a CERT record (RFC 4398). Plain classes over the codec; the
 * router's sink and node sides use them on their own loop.
 */
@Export
@Version("0.2.0")
package io.mvpn.aodv.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
