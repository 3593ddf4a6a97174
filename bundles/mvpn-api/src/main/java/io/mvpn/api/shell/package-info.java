/**
 * What every function's shell commands share: completion of tenant ids, one way of writing byte
 * counts, and the services of a kind as they are while a command runs ({@link
 * io.mvpn.api.shell.ServicesNow}). The completer is registered by Karaf's shell extender (this
 * bundle's {@code Karaf-Commands} header names this package), so a command of any bundle names it
 * in its {@code @Completion} and gets the tenants configured at the moment the operator presses
 * TAB.
 */
@Export
@Version("0.1.0")
package io.mvpn.api.shell;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
