/**
 * Secret keys kept out of configuration files: the keystore service functions look their keys up in
 * by alias, and the reading of a configured key ({@code keystore:ALIAS}, or inline hex).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.mvpn.api.keys;
