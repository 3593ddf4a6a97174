/** The NASREQ application (RFC 7155): AA-Request/Answer with Framed-Route and NAS-Filter-Rule. */
@Export
@Version("0.3.0")
package io.mvpn.diameter.nasreq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
