/**
 * The appliance's REST API: JSON over HTTPS on the JDK's server, callers authenticated through
 * Karaf's JAAS realm and allowed by role (viewer reads, admin also writes). Private to the bundle:
 * the API is its HTTP surface, described by the OpenAPI document it serves.
 */
package io.mvpn.rest;
