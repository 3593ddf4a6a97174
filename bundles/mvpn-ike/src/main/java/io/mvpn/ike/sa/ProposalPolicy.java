package io.mvpn.ike.sa;

import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SecurityAssociationPayload;
import io.mvpn.ike.message.Transform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
   * IKE: the AEADs AES-GCM-16 256 and 128 and ChaCha20-Poly1305, then AES-CBC 256 and 128 with
   * HMAC-SHA2-256-128, -384-192 and -512-256; PRF HMAC-SHA2-256, 384, 512; D-H 31, 19, 20, 14, 15,
   * 16. That covers what Windows', Apple's and strongSwan's clients propose by default with SHA-2
   * and groups of 2048 bits or more. INTEG only goes with AES-CBC: next to an AEAD it must not be
   * proposed (RFC 5282 §8), so the offer splits into two proposals.
   */
  public static ProposalPolicy ikeDefault() {
    return ProposalSyntax.parse(Proposal.IKE, ProposalSyntax.IKE_DEFAULT);
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

  /**
   * ESP: AES-GCM-16 256 and 128 and ChaCha20-Poly1305, then AES-CBC 256 and 128 with
   * HMAC-SHA2-256-128, -384-192 and -512-256; extended sequence numbers preferred. Apple's client
   * proposes AES-GCM by default, Windows' AES-CBC-256 with HMAC-SHA2-256; every one of them is a
   * suite the security gateway runs.
   */
  public static ProposalPolicy espDefault() {
    return ProposalSyntax.parse(Proposal.ESP, ProposalSyntax.ESP_DEFAULT);
  }

  public static ProposalPolicy esp(List<Integer> aesBits, List<Integer> esn) {
    List<Transform> all = new ArrayList<>();
    aesBits.forEach(
        b -> all.add(Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, b)));
    esn.forEach(e -> all.add(Transform.of(Transform.ESN, e)));
    return new ProposalPolicy(Proposal.ESP, all);
  }

  /** Whether an encryption transform carries its own integrity (RFC 5282, RFC 7634). */
  public static boolean isAead(Transform encryption) {
    return switch (encryption.id()) {
      case Transform.ENCR_AES_GCM_8,
          Transform.ENCR_AES_GCM_12,
          Transform.ENCR_AES_GCM_16,
          Transform.ENCR_CHACHA20_POLY1305 ->
          true;
      default -> false;
    };
  }

  /**
   * Our offer: every transform in one proposal, number 1; or, when we accept both AEADs and other
   * ciphers, the AEADs without INTEG in one proposal and the others with INTEG in the next, the
   * kind we prefer first (RFC 5282 §8 forbids INTEG beside an AEAD).
   */
  public List<Proposal> offer(Octets spi) {
    List<Transform> encryption = ofType(Transform.ENCR);
    boolean anyAead = encryption.stream().anyMatch(ProposalPolicy::isAead);
    boolean anyOther = encryption.stream().anyMatch(t -> !isAead(t));
    if (!(anyAead && anyOther)) {
      return List.of(new Proposal(1, protocolId, spi, transforms));
    }
    boolean aeadFirst = isAead(encryption.get(0));
    return List.of(
        new Proposal(1, protocolId, spi, offerOf(aeadFirst)),
        new Proposal(2, protocolId, spi, offerOf(!aeadFirst)));
  }

  private List<Transform> offerOf(boolean aead) {
    return transforms.stream()
        .filter(t -> t.type() == Transform.ENCR ? isAead(t) == aead : !aead || !isInteg(t))
        .toList();
  }

  private static boolean isInteg(Transform t) {
    return t.type() == Transform.INTEG;
  }

  /** The acceptable transforms of one type, most preferred first. */
  public List<Transform> ofType(int type) {
    return transforms.stream().filter(t -> t.type() == type).toList();
  }

  /**
   * The responder's choice: the first offered proposal of our protocol that has, for every type we
   * configure, a transform we accept; from it our most preferred such transform per type. An AEAD
   * goes without INTEG (an offered INTEG must be NONE), any other cipher needs one. The result
   * keeps the offered proposal number and SPI (the caller puts its own SPI in).
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

  // Plain loops over the short transform lists: a responder chooses twice per setup (IKE and ESP),
  // and streams with a set of types per call were a tenth of its work beside the crypto.
  private Optional<Proposal> choose(Proposal p) {
    List<Transform> offered = p.transforms();
    int[] types = types();
    // A type offered that we do not configure makes the proposal unacceptable: we could not
    // honour it. INTEG is judged with the cipher below.
    for (int i = 0; i < offered.size(); i++) {
      Transform t = offered.get(i);
      if (!contains(types, t.type()) && !(isInteg(t) && t.id() == Transform.INTEG_NONE)) {
        return Optional.empty();
      }
    }
    for (int i = 0; i < transforms.size(); i++) {
      Transform encryption = transforms.get(i);
      if (encryption.type() == Transform.ENCR && holds(offered, encryption)) {
        Optional<Proposal> chosen = chooseWith(p, encryption, types);
        if (chosen.isPresent()) {
          return chosen;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Proposal> chooseWith(Proposal p, Transform encryption, int[] types) {
    boolean aead = isAead(encryption);
    List<Transform> offered = p.transforms();
    List<Transform> picked = new ArrayList<>(types.length);
    boolean integ = false;
    for (int type : types) {
      if (type == Transform.ENCR) {
        picked.add(encryption);
        continue;
      }
      if (type == Transform.INTEG && aead) {
        for (int i = 0; i < offered.size(); i++) {
          Transform t = offered.get(i);
          if (isInteg(t) && t.id() != Transform.INTEG_NONE) {
            return Optional.empty();
          }
        }
        continue;
      }
      Transform t = firstOffered(type, offered);
      if (t == null) {
        return Optional.empty();
      }
      picked.add(t);
      integ |= type == Transform.INTEG;
    }
    if (!aead && !integ) {
      return Optional.empty();
    }
    return Optional.of(new Proposal(p.number(), p.protocolId(), p.spi(), picked));
  }

  /** Our most preferred transform of {@code type} that {@code offered} holds, or null. */
  private Transform firstOffered(int type, List<Transform> offered) {
    for (int i = 0; i < transforms.size(); i++) {
      Transform t = transforms.get(i);
      if (t.type() == type && holds(offered, t)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether a responder's answer is acceptable to us as initiator: our protocol, one transform per
   * type we configure (INTEG none or NONE beside an AEAD), each of them one we offered.
   */
  public boolean accepts(Proposal answer) {
    if (answer.protocolId() != protocolId) {
      return false;
    }
    List<Transform> encryption = answer.transforms(Transform.ENCR);
    boolean aead = encryption.size() == 1 && isAead(encryption.get(0));
    int expected = 0;
    for (int type : types()) {
      List<Transform> got = answer.transforms(type);
      if (type == Transform.INTEG && aead) {
        if (!got.stream().allMatch(t -> t.id() == Transform.INTEG_NONE) || got.size() > 1) {
          return false;
        }
        expected += got.size();
        continue;
      }
      if (got.size() != 1 || !holds(transforms, got.get(0))) {
        return false;
      }
      expected++;
    }
    if (!aead && answer.transforms(Transform.INTEG).isEmpty()) {
      return false;
    }
    return answer.transforms().size() == expected;
  }

  /** The transform types we configure, ascending, each once. */
  private int[] types() {
    int[] types = new int[transforms.size()];
    int n = 0;
    for (int i = 0; i < transforms.size(); i++) {
      Transform t = transforms.get(i);
      if (!contains(types, n, t.type())) {
        types[n++] = t.type();
      }
    }
    types = Arrays.copyOf(types, n);
    Arrays.sort(types);
    return types;
  }

  /**
   * Whether {@code list} holds a transform equal to {@code t}: {@code List.contains}, with the type
   * and ID compared before the attribute lists. A responder asks this of every transform of its
   * policy against every offered one, twice a setup; most differ in the first two ints.
   */
  static boolean holds(List<Transform> list, Transform t) {
    for (int i = 0; i < list.size(); i++) {
      Transform x = list.get(i);
      if (x.type() == t.type() && x.id() == t.id() && x.attributes().equals(t.attributes())) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(int[] types, int type) {
    return contains(types, types.length, type);
  }

  private static boolean contains(int[] types, int n, int type) {
    for (int i = 0; i < n; i++) {
      if (types[i] == type) {
        return true;
      }
    }
    return false;
  }

  /** The one transform of a type in a chosen proposal, or null if it has none (INTEG, AEAD). */
  static Transform optional(Proposal chosen, int type) {
    List<Transform> of = chosen.transforms(type);
    return of.isEmpty() ? null : of.get(0);
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
