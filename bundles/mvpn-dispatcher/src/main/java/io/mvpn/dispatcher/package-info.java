/** The dispatcher: public tunnel endpoints handed to their tenants' home agents. */
@Export
@Version("0.1.0")
package io.mvpn.dispatcher;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
