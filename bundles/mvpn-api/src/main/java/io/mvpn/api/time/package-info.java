/** Time as a service: the scheduler every protocol engine reads time and sets timers from. */
@Export
@Version("0.1.0")
package io.mvpn.api.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
