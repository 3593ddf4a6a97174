/** What every function's configuration shares: the reading of list-valued settings. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.mvpn.api.config;
