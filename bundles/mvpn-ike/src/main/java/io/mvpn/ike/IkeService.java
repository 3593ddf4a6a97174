package io.mvpn.ike;

import java.util.List;
import java.util.Map;

/**
 * One IKE daemon of the appliance, from {@code etc/io.mvpn.ike-<name>.cfg}: a local address with
 * its IKE and NAT-T ports, and the peers it talks to. What it reports are snapshots, taken on the
 * daemon's own thread; the SAs go on changing after they are returned.
 */
public interface IkeService {

  /** The daemon's name from its cfg. */
  String name();

  /** Where it listens: {@code address:ikePort} (NAT-T on {@link #natTPort()}). */
  String local();

  int natTPort();

  /** The configured peers by name, in cfg order. */
  List<String> peers();

  /** Its IKE SAs, each with its Child SAs. */
  List<IkeSaView> sas();

  /**
   * Starts IKE_SA_INIT and IKE_AUTH towards {@code peer}; returns the new SA's local SPI at once,
   * before the peer answers.
   *
   * @throws IllegalArgumentException if no such peer, or the peer has no remote address
   */
  long initiate(String peer);

  /**
   * Deletes the IKE SA whose local SPI (or, failing that, either SPI) is {@code spi}, with its
   * Child SAs; false if this daemon has none.
   */
  boolean terminate(long spi);

  /**
   * Re-keys the IKE SA that {@link #terminate} would delete with CREATE_CHILD_SA (RFC 7296 §2.18):
   * a new SA with new SPIs takes over its Child SAs and the old one is deleted; false if this
   * daemon has none.
   */
  boolean rekey(long spi);

  /**
   * Peers refused at IKE_AUTH (answered AUTHENTICATION_FAILED) since the daemon started, by reason,
   * e.g. {@code untrusted_chain/unknown_ca}; in order of the reason's name.
   */
  default Map<String, Long> refusedPeers() {
    return Map.of();
  }

  /**
   * Datagrams the daemon dropped since it started, by reason ({@code malformed}, {@code
   * unknown_spi}, {@code undecryptable}, ...); only reasons that counted something.
   */
  default Map<String, Long> dropped() {
    return Map.of();
  }

  /**
   * One IKE SA as it was when {@link #sas()} looked; {@code peerAdditionalAddresses} are those a
   * MOBIKE peer announced besides the one it uses (RFC 4555 §3.6); {@code algorithms} are the
   * negotiated transforms by their IANA names, e.g. {@code
   * AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256} (empty before IKE_SA_INIT has chosen them).
   */
  record IkeSaView(
      String daemon,
      String peer,
      boolean initiator,
      long spiI,
      long spiR,
      String state,
      String local,
      String remote,
      String remoteId,
      boolean localBehindNat,
      boolean remoteBehindNat,
      List<ChildSaView> childSas,
      List<String> peerAdditionalAddresses,
      String algorithms) {

    public IkeSaView {
      childSas = List.copyOf(childSas);
      peerAdditionalAddresses = List.copyOf(peerAdditionalAddresses);
    }

    public long localSpi() {
      return initiator ? spiI : spiR;
    }
  }

  /**
   * One Child SA: the ESP SPIs of each direction, the narrowed selectors and the negotiated ESP
   * transforms by their IANA names, e.g. {@code AES_GCM_16_256/NO_EXT_SEQ}.
   */
  record ChildSaView(
      long inboundSpi,
      long outboundSpi,
      String localSelectors,
      String remoteSelectors,
      String algorithms) {}
}
