package io.mvpn.foreignagent;

import io.mvpn.api.link.LinkKey;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.packet.mip.ChallengeResponse;
import io.mvpn.packet.mip.GeneralizedAuthentication;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Login at layer 3 with the key layer 2 established (seed 000 claims 5 and 12), by RFC 4721's
 * foreign agent challenge/response: each advertisement carries a fresh challenge; a request must
 * echo a recent one unused (MN-FA Challenge, 132), name the node (MN-NAI, 131) and carry an MN-AAA
 * authentication extension (36/1) that verifies with the link key the access link holds for that
 * node and station. The foreign agent needs no key of its own for the node, nor the node one for
 * the agent.
 */
public final class LinkLogin {

  /** Challenges remembered; beyond the newest {@link #FRESH} they are stale. */
  private static final int REMEMBERED = 16;

  /** Challenges of the last few advertisements accepted, so a lost advertisement does no harm. */
  private static final int FRESH = 3;

  private final LinkKeyService linkKeys;
  private final SecureRandom random = new SecureRandom();
  private final LinkedHashMap<String, Boolean> challenges = new LinkedHashMap<>(); // hex -> used
  private final Map<Integer, Long> refusals = new TreeMap<>();
  private long accepted;

  LinkLogin(LinkKeyService linkKeys) {
    this.linkKeys = linkKeys;
  }

  /** A fresh challenge, appended to an advertisement's extensions (type 24). */
  void appendChallenge(ByteBuf advertisementExtensions) {
    byte[] challenge = new byte[16];
    random.nextBytes(challenge);
    challenges.put(HexFormat.of().formatHex(challenge), false);
    if (challenges.size() > REMEMBERED) {
      Iterator<String> oldest = challenges.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    ChallengeResponse.writeAdvertisementChallenge(advertisementExtensions, challenge);
  }

  /**
   * Checks a request's login; 0 if it may be relayed, else the code to deny it with (104-106 for
   * the challenge, 108 for the node's authentication). Only an accepted login consumes its
   * challenge.
   */
  int check(RegistrationRequest request, int station) {
    int code = verify(request, station);
    if (code == 0) {
      accepted++;
    } else {
      refusals.merge(code, 1L, Long::sum);
    }
    return code;
  }

  private int verify(RegistrationRequest request, int station) {
    byte[] challenge = ChallengeResponse.challenge(request);
    if (challenge == null) {
      return ReplyCode.FA_MISSING_CHALLENGE;
    }
    String hex = HexFormat.of().formatHex(challenge);
    Boolean used = challenges.get(hex);
    if (used == null) {
      return ReplyCode.FA_UNKNOWN_CHALLENGE;
    }
    if (used || age(hex) >= FRESH) {
      return ReplyCode.FA_STALE_CHALLENGE;
    }
    String nai = ChallengeResponse.nai(request);
    MipExtension aaa =
        GeneralizedAuthentication.find(request, GeneralizedAuthentication.SUBTYPE_MN_AAA);
    MipExtension challenged = request.find(ChallengeResponse.EXT_MN_FA_CHALLENGE);
    MipExtension named = request.find(ChallengeResponse.EXT_MN_NAI);
    // The authenticator must cover the challenge and the NAI (RFC 4721 §3.1): both end before it.
    if (nai == null
        || aaa == null
        || aaa.offset() < challenged.end()
        || aaa.offset() < named.end()) {
      return ReplyCode.FA_MN_AAA_AUTH_FAILED;
    }
    Optional<LinkKey> key = linkKeys.keyOf(nai);
    if (key.isEmpty() || key.get().station() != station || !verifies(request, aaa, key.get())) {
      return ReplyCode.FA_MN_AAA_AUTH_FAILED;
    }
    challenges.put(hex, true);
    return 0;
  }

  private static boolean verifies(RegistrationRequest request, MipExtension aaa, LinkKey key) {
    MobilitySecurityAssociation sa =
        new MobilitySecurityAssociation(
            GeneralizedAuthentication.SPI_LINK_KEY_SHA256,
            MobilitySecurityAssociation.Algorithm.HMAC_SHA256,
            key.key());
    return sa.verify(request, aaa);
  }

  /** How many challenges were advertised after this one. */
  private int age(String hex) {
    int index = 0;
    for (String c : challenges.keySet()) {
      if (c.equals(hex)) {
        return challenges.size() - 1 - index;
      }
      index++;
    }
    return Integer.MAX_VALUE;
  }

  /** Logins accepted since start. */
  public long accepted() {
    return accepted;
  }

  /** Logins refused with this reply code since start. */
  public long refused(int code) {
    return refusals.getOrDefault(code, 0L);
  }
}
