package io.mvpn.ike.sa;

import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SecurityAssociationPayload;
import io.mvpn.ike.message.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The transforms one end accepts for one protocol, most preferred first within each type. As
 * initiator it is offered as one proposal; as responder it picks one offered proposal and one
 * transform per type from it (RFC 7296 §3.3.6), preferring its own order, as strongSwan does by
 * default: the configured preference of the end that answers decides.
 *
 * @param protocolId {@link Proposal#IKE} or {@link Proposal#ESP}
 * @param transforms every acceptable transform with its attributes (Key Length compared exactly)
 */
public record ProposalPolicy(int protocolId, List<Transform> transforms) {

  public ProposalPolicy {
    transforms = List.copyOf(transforms);
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("a policy without transforms");
    }
  }

  /**
   * IKE: AES-GCM-16 256 then 128, PRF HMAC-SHA2-256 then 384, D-H 19, 20, 31, 14. No INTEG: with an
   * AEAD it must not be proposed (RFC 5282 §8).
   */
  public static ProposalPolicy ikeDefault() {
    return ike(
        List.of(256, 128),
        List.of(Transform.PRF_HMAC_SHA2_256, Transform.PRF_HMAC_SHA2_384),
        List.of(Transform.ECP_256, Transform.ECP_384, Transform.CURVE25519, Transform.MODP_2048));
  }

  /** An IKE policy of AES-GCM-16 key sizes, PRFs and D-H groups, each in preference order. */
  public static ProposalPolicy ike(
      List<Integer> aesBits, List<Integer> prfs, List<Integer> groups) {
    List<Transform> all = new ArrayList<>();
    aesBits.forEach(
        b -> all.add(Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, b)));
    prfs.forEach(p -> all.add(Transform.of(Transform.PRF, p)));
    groups.forEach(g -> all.add(Transform.of(Transform.DH, g)));
    return new ProposalPolicy(Proposal.IKE, all);
  }

  /** ESP: AES-GCM-16 256 then 128, with extended sequence numbers preferred. */
  public static ProposalPolicy espDefault() {
    return esp(List.of(256, 128), List.of(Transform.ESN_YES, Transform.ESN_NO));
  }

  public static ProposalPolicy esp(List<Integer> aesBits, List<Integer> esn) {
    List<Transform> all = new ArrayList<>();
    aesBits.forEach(
        b -> all.add(Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, b)));
    esn.forEach(e -> all.add(Transform.of(Transform.ESN, e)));
    return new ProposalPolicy(Proposal.ESP, all);
  }

  /** Our offer: a single proposal, number 1, with every transform. */
  public Proposal offer(Octets spi) {
    return new Proposal(1, protocolId, spi, transforms);
  }

  /** The acceptable transforms of one type, most preferred first. */
  public List<Transform> ofType(int type) {
    return transforms.stream().filter(t -> t.type() == type).toList();
  }

  /**
   * The responder's choice: the first offered proposal of our protocol that has, for every type we
   * configure, a transform we accept; from it our most preferred such transform per type. The
   * result keeps the offered proposal number and SPI (the caller puts its own SPI in).
   */
  public Optional<Proposal> choose(SecurityAssociationPayload offered) {
    for (Proposal p : offered.proposals()) {
      if (p.protocolId() != protocolId) {
        continue;
      }
      Optional<Proposal> chosen = choose(p);
      if (chosen.isPresent()) {
        return chosen;
      }
    }
    return Optional.empty();
  }

  private Optional<Proposal> choose(Proposal p) {
    List<Transform> picked = new ArrayList<>();
    TreeSet<Integer> types = new TreeSet<>();
    transforms.forEach(t -> types.add(t.type()));
    for (int type : types) {
      Optional<Transform> t = ofType(type).stream().filter(p.transforms()::contains).findFirst();
      if (t.isEmpty()) {
        return Optional.empty();
      }
      picked.add(t.get());
    }
    // A type offered that we do not configure (INTEG next to an AEAD, say) makes the proposal
    // unacceptable: we could not honour it.
    for (Transform t : p.transforms()) {
      if (!types.contains(t.type())) {
        return Optional.empty();
      }
    }
    return Optional.of(new Proposal(p.number(), p.protocolId(), p.spi(), picked));
  }

  /**
   * Whether a responder's answer is acceptable to us as initiator: our protocol, one transform per
   * type we configure, each of them one we offered.
   */
  public boolean accepts(Proposal answer) {
    if (answer.protocolId() != protocolId) {
      return false;
    }
    TreeSet<Integer> types = new TreeSet<>();
    transforms.forEach(t -> types.add(t.type()));
    for (int type : types) {
      List<Transform> got = answer.transforms(type);
      if (got.size() != 1 || !transforms.contains(got.get(0))) {
        return false;
      }
    }
    return answer.transforms().size() == types.size();
  }

  /** The one transform of a type in a chosen proposal. */
  static Transform single(Proposal chosen, int type) {
    return Objects.requireNonNull(chosen.transforms(type).get(0));
  }

  /** A chosen proposal with one transform of a type replaced (the D-H group the KE carried). */
  static Proposal replace(Proposal chosen, Transform replacement) {
    List<Transform> out = new ArrayList<>();
    for (Transform t : chosen.transforms()) {
      out.add(t.type() == replacement.type() ? replacement : t);
    }
    return new Proposal(chosen.number(), chosen.protocolId(), chosen.spi(), out);
  }
}
