package io.mvpn.api.aaa;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Checks the credentials of a node entering a site and says what it may do there: the home MSM
 * itself (it holds the nodes' keys), or a Diameter client asking it (NASREQ AA-Request). The answer
 * may come later and on another thread; the caller hands it back to its own.
 */
@FunctionalInterface
public interface NodeAuthority {

  /** Service property naming the realm an authority answers for (the MSM's own). */
  String REALM = "mvpn.realm";

  void authorize(HelloCredentials credentials, Consumer<Authorization> answer);

  /** What answers while no authority is bound: every node refused as unreachable. */
  NodeAuthority UNBOUND =
      (credentials, answer) ->
          answer.accept(Authorization.refused(Authorization.Outcome.UNREACHABLE));

  /**
   * Authorises a node the sink authenticated by its certificate (seed 002 c50-52). An authority
   * that holds no membership (a relay that cannot vouch for it) refuses it as unreachable.
   */
  default void authorizeCertified(CertifiedNode node, Consumer<Authorization> answer) {
    answer.accept(Authorization.refused(Authorization.Outcome.UNREACHABLE));
  }

  /**
   * The certificates the authority's MSM issued under {@code dnsName} (seed 002 c56), as a {@link
   * CertificateDirectory} answers; an authority that publishes none answers with none.
   */
  default void certificates(String dnsName, Consumer<java.util.List<byte[]>> answer) {
    answer.accept(java.util.List.of());
  }

  /**
   * The certificates the authority's MSM issued under {@code dnsName}, asked for by a peer of
   * {@code siteRealm} (its Diameter Origin-Realm): only a member of a site of that realm may be
   * looked up, or any peer would get any tenant's certificates. An authority that cannot tell a
   * name's realm answers with none.
   */
  default void certificates(
      String siteRealm, String dnsName, Consumer<java.util.List<byte[]>> answer) {
    answer.accept(java.util.List.of());
  }

  /**
   * Asks whichever authority {@code current} gives at each call (a dynamic service reference);
   * while there is none, every node is refused as unreachable.
   */
  static NodeAuthority whicheverIsBound(Supplier<NodeAuthority> current) {
    return new NodeAuthority() {
      @Override
      public void authorize(HelloCredentials credentials, Consumer<Authorization> answer) {
        bound().authorize(credentials, answer);
      }

      @Override
      public void authorizeCertified(CertifiedNode node, Consumer<Authorization> answer) {
        bound().authorizeCertified(node, answer);
      }

      @Override
      public void certificates(String dnsName, Consumer<java.util.List<byte[]>> answer) {
        bound().certificates(dnsName, answer);
      }

      @Override
      public void certificates(
          String siteRealm, String dnsName, Consumer<java.util.List<byte[]>> answer) {
        bound().certificates(siteRealm, dnsName, answer);
      }

      /** The authority bound now, or one that refuses every node as unreachable. */
      private NodeAuthority bound() {
        NodeAuthority a = current.get();
        return a != null ? a : UNBOUND;
      }
    };
  }
}
