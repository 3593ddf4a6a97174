package io.mvpn.sam.kdc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A running KDC of one tenant realm: what the shell and the SA managers ask of it. Principal names
 * without a realm are taken to be in this one.
 */
public interface TenantKdc {

  /** The realm this KDC issues tickets for. */
  String realm();

  /** The TCP (and UDP) address it answers on. */
  InetSocketAddress address();

  /** All principals of the realm, the KDC's own (krbtgt, kadmin) included, sorted. */
  List<String> principals() throws KdcException;

  /** Adds a principal whose keys derive from {@code password} (a user, who types it). */
  void addPrincipal(String name, String password) throws KdcException;

  /** Adds a principal with random keys (a service: it reads them from a keytab). */
  void addServicePrincipal(String name) throws KdcException;

  /** Writes {@code name}'s current keys to an MIT keytab at {@code keytab}, replacing the file. */
  void exportKeytab(String name, Path keytab) throws KdcException, IOException;
}
