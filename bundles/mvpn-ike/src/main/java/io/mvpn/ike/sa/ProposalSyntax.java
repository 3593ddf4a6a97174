package io.mvpn.ike.sa;

import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.Transform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Proposals written as strongSwan writes them, so an operator can copy a client's list: proposals
 * separated by commas, algorithms within one by dashes, e.g. {@code
 * aes256gcm16-prfsha256-ecp256,aes256-sha256-modp2048}. The policy is the union of the transforms
 * in the order first named: any encryption goes with any PRF and group listed (not only those of
 * its own proposal), as {@link ProposalPolicy} keeps one list per type.
 *
 * <p>Keywords: {@code aes128 aes192 aes256} (AES-CBC), {@code aes128gcm16 aes256gcm16} (also {@code
 * aes128gcm aes256gcm}), {@code chacha20poly1305}; {@code sha256 sha384 sha512} (HMAC-SHA2
 * integrity, RFC 4868; in IKE also the PRF of that hash when the proposal names none); {@code
 * prfsha256 prfsha384 prfsha512}; {@code modp2048 modp3072 modp4096 ecp256 ecp384 curve25519} (also
 * {@code x25519}; in ESP for PFS); ESP only {@code esn noesn} (both when neither is named). {@code
 * default} stands for the built-in list.
 */
public final class ProposalSyntax {

  /**
   * The IKE default: AEADs first, then AES-CBC with HMAC-SHA2 (see {@link ProposalPolicy}). Group
   * 31 (X25519) leads: an end keys about three times as many IKE SAs a second with it as with
   * ECP-256 (docs/benchmarks.md), and as initiator we send our KE in the first group. A peer that
   * offers only 19 or 20 (Windows' and Apple's defaults) still gets it, as the KE it sends is
   * taken.
   */
  public static final String IKE_DEFAULT =
      "aes256gcm16-aes128gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512"
          + "-curve25519-ecp256-ecp384-modp2048-modp3072-modp4096,"
          + "aes256-aes128-sha256-sha384-sha512-prfsha256-prfsha384-prfsha512"
          + "-curve25519-ecp256-ecp384-modp2048-modp3072-modp4096";

  /**
   * The ESP default: the AEADs first, then AES-CBC with HMAC-SHA2, as Windows' built-in client
   * proposes by default (AES-CBC-256 with HMAC-SHA2-256); extended sequence numbers or not.
   */
  public static final String ESP_DEFAULT =
      "aes256gcm16-aes128gcm16-chacha20poly1305,aes256-aes128-sha256-sha384-sha512";

  private static final Map<String, Integer> GROUPS =
      Map.of(
          "modp2048", Transform.MODP_2048,
          "modp3072", Transform.MODP_3072,
          "modp4096", Transform.MODP_4096,
          "ecp256", Transform.ECP_256,
          "ecp384", Transform.ECP_384,
          "curve25519", Transform.CURVE25519,
          "x25519", Transform.CURVE25519);

  private static final Map<String, int[]> HASHES =
      Map.of(
          "sha256", new int[] {Transform.AUTH_HMAC_SHA2_256_128, Transform.PRF_HMAC_SHA2_256},
          "sha384", new int[] {Transform.AUTH_HMAC_SHA2_384_192, Transform.PRF_HMAC_SHA2_384},
          "sha512", new int[] {Transform.AUTH_HMAC_SHA2_512_256, Transform.PRF_HMAC_SHA2_512});

  private ProposalSyntax() {}

  /**
   * The policy {@code text} describes for {@link Proposal#IKE} or {@link Proposal#ESP}.
   *
   * @throws IllegalArgumentException naming the first keyword not understood, or a proposal that
   *     lacks a type its protocol needs
   */
  public static ProposalPolicy parse(int protocolId, String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("default")) {
      return protocolId == Proposal.IKE ? ProposalPolicy.ikeDefault() : ProposalPolicy.espDefault();
    }
    Set<Transform> all = new LinkedHashSet<>();
    for (String proposal : trimmed.split(",")) {
      all.addAll(parseProposal(protocolId, proposal.trim()));
    }
    if (protocolId == Proposal.ESP && all.stream().noneMatch(t -> t.type() == Transform.ESN)) {
      all.add(Transform.of(Transform.ESN, Transform.ESN_YES));
      all.add(Transform.of(Transform.ESN, Transform.ESN_NO));
    }
    return new ProposalPolicy(protocolId, new ArrayList<>(all));
  }

  private static List<Transform> parseProposal(int protocolId, String proposal) {
    boolean ike = protocolId == Proposal.IKE;
    List<Transform> out = new ArrayList<>();
    List<Transform> impliedPrfs = new ArrayList<>();
    for (String word : proposal.split("-")) {
      Transform t = encryption(word);
      if (t == null && GROUPS.containsKey(word)) {
        t = Transform.of(Transform.DH, GROUPS.get(word));
      } else if (t == null && HASHES.containsKey(word)) {
        t = Transform.of(Transform.INTEG, HASHES.get(word)[0]);
        impliedPrfs.add(Transform.of(Transform.PRF, HASHES.get(word)[1]));
      } else if (t == null
          && ike
          && word.startsWith("prf")
          && HASHES.containsKey(word.substring(3))) {
        t = Transform.of(Transform.PRF, HASHES.get(word.substring(3))[1]);
      } else if (t == null && !ike && (word.equals("esn") || word.equals("noesn"))) {
        t = Transform.of(Transform.ESN, word.equals("esn") ? Transform.ESN_YES : Transform.ESN_NO);
      }
      if (t == null) {
        throw new IllegalArgumentException(
            "'" + word + "' in '" + proposal + "' is no " + (ike ? "IKE" : "ESP") + " algorithm");
      }
      out.add(t);
    }
    if (ike && out.stream().noneMatch(t -> t.type() == Transform.PRF)) {
      out.addAll(impliedPrfs);
    }
    check(ike, proposal, out);
    return out;
  }

  private static void check(boolean ike, String proposal, List<Transform> out) {
    List<Transform> ciphers = out.stream().filter(t -> t.type() == Transform.ENCR).toList();
    boolean integ = out.stream().anyMatch(t -> t.type() == Transform.INTEG);
    String problem = null;
    if (ciphers.isEmpty()) {
      problem = "names no encryption algorithm";
    } else if (ciphers.stream().anyMatch(ProposalPolicy::isAead) && integ) {
      problem = "puts an integrity algorithm beside an AEAD (RFC 5282 §8)";
    } else if (ciphers.stream().anyMatch(t -> !ProposalPolicy.isAead(t)) && !integ) {
      problem = "names no integrity algorithm for AES-CBC";
    } else if (ike && out.stream().noneMatch(t -> t.type() == Transform.PRF)) {
      problem = "names no PRF";
    } else if (ike && out.stream().noneMatch(t -> t.type() == Transform.DH)) {
      problem = "names no D-H group";
    }
    if (problem != null) {
      throw new IllegalArgumentException("proposal '" + proposal + "' " + problem);
    }
  }

  /** AES-CBC, AES-GCM-16 or ChaCha20-Poly1305, or null. */
  private static Transform encryption(String word) {
    if (word.equals("chacha20poly1305")) {
      return Transform.of(Transform.ENCR, Transform.ENCR_CHACHA20_POLY1305);
    }
    for (int bits : new int[] {128, 192, 256}) {
      String aes = "aes" + bits;
      if (word.equals(aes)) {
        return Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_CBC, bits);
      }
      if (word.equals(aes + "gcm16") || word.equals(aes + "gcm")) {
        return Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, bits);
      }
    }
    return null;
  }
}
