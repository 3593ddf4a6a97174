/** Wire codecs over Netty {@code ByteBuf}s, shared by every protocol bundle. */
@Export
@Version("0.1.0")
package io.mvpn.packet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
