package io.mvpn.ike.message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IANA's names of the IKEv2 transform IDs ("Internet Key Exchange Version 2 (IKEv2) Parameters",
 * transform types 1-5), in the short form strongSwan and most logs print them, so an operator can
 * read a negotiated proposal: {@code AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256}. The whole registry
 * is here, not only what the engine implements, so a suite the engine learns later, or one a peer
 * offers, is named without a change here; an ID the registry does not name prints as its number.
 */
public final class TransformNames {

  private static final Map<Integer, String> ENCR =
      table(
          "1=DES_IV64 2=DES 3=3DES 4=RC5 5=IDEA 6=CAST 7=BLOWFISH 8=3IDEA 9=DES_IV32 "
              + "11=NULL 12=AES_CBC 13=AES_CTR 14=AES_CCM_8 15=AES_CCM_12 16=AES_CCM_16 "
              + "18=AES_GCM_8 19=AES_GCM_12 20=AES_GCM_16 21=NULL_AUTH_AES_GMAC 23=CAMELLIA_CBC "
              + "24=CAMELLIA_CTR 25=CAMELLIA_CCM_8 26=CAMELLIA_CCM_12 27=CAMELLIA_CCM_16 "
              + "28=CHACHA20_POLY1305 29=AES_CCM_8_IIV 30=AES_GCM_16_IIV "
              + "31=CHACHA20_POLY1305_IIV 32=KUZNYECHIK_MGM_KTREE 33=MAGMA_MGM_KTREE "
              + "34=KUZNYECHIK_MGM_MAC_KTREE 35=MAGMA_MGM_MAC_KTREE");

  private static final Map<Integer, String> PRF =
      table(
          "1=PRF_HMAC_MD5 2=PRF_HMAC_SHA1 3=PRF_HMAC_TIGER 4=PRF_AES128_XCBC "
              + "5=PRF_HMAC_SHA2_256 6=PRF_HMAC_SHA2_384 7=PRF_HMAC_SHA2_512 8=PRF_AES128_CMAC "
              + "9=PRF_HMAC_STREEBOG_512");

  private static final Map<Integer, String> INTEG =
      table(
          "0=NONE 1=HMAC_MD5_96 2=HMAC_SHA1_96 3=DES_MAC 4=KPDK_MD5 5=AES_XCBC_96 "
              + "6=HMAC_MD5_128 7=HMAC_SHA1_160 8=AES_CMAC_96 9=AES_128_GMAC 10=AES_192_GMAC "
              + "11=AES_256_GMAC 12=HMAC_SHA2_256_128 13=HMAC_SHA2_384_192 14=HMAC_SHA2_512_256");

  private static final Map<Integer, String> DH =
      table(
          "0=NONE 1=MODP_768 2=MODP_1024 5=MODP_1536 14=MODP_2048 15=MODP_3072 "
              + "16=MODP_4096 17=MODP_6144 18=MODP_8192 19=ECP_256 20=ECP_384 21=ECP_521 "
              + "22=MODP_1024_160 23=MODP_2048_224 24=MODP_2048_256 25=ECP_192 26=ECP_224 "
              + "27=ECP_224_BP 28=ECP_256_BP 29=ECP_384_BP 30=ECP_512_BP 31=CURVE_25519 "
              + "32=CURVE_448 33=GOST3410_2012_256 34=GOST3410_2012_512 35=ML_KEM_512 "
              + "36=ML_KEM_768 37=ML_KEM_1024");

  private static final Map<Integer, String> ESN = table("0=NO_EXT_SEQ 1=EXT_SEQ");

  private static final Map<Integer, Map<Integer, String>> BY_TYPE =
      Map.of(
          Transform.ENCR, ENCR,
          Transform.PRF, PRF,
          Transform.INTEG, INTEG,
          Transform.DH, DH,
          Transform.ESN, ESN);

  private static final String[] TYPE_NAMES = {"TYPE_0", "ENCR", "PRF", "INTEG", "DH", "ESN"};

  private TransformNames() {}

  /** {@code "ID=NAME ID=NAME ..."} as a map. */
  private static Map<Integer, String> table(String entries) {
    Map<Integer, String> names = new HashMap<>();
    for (String entry : entries.trim().split("\\s+")) {
      int eq = entry.indexOf('=');
      names.put(Integer.parseInt(entry.substring(0, eq)), entry.substring(eq + 1));
    }
    return Map.copyOf(names);
  }

  /**
   * One transform: its IANA name, with the key length appended to an encryption algorithm that
   * carries one ({@code AES_CBC_256}); {@code ENCR_99} or {@code TYPE_6_1} for what is unnamed.
   */
  public static String name(Transform t) {
    Map<Integer, String> names = BY_TYPE.get(t.type());
    String typeName = t.type() < TYPE_NAMES.length ? TYPE_NAMES[t.type()] : "TYPE_" + t.type();
    String name = names == null ? null : names.get(t.id());
    if (name == null) {
      name = typeName + "_" + t.id();
    }
    return t.type() == Transform.ENCR && t.keyLength() > 0 ? name + "_" + t.keyLength() : name;
  }

  /**
   * A chosen proposal as {@code ENCR/INTEG/PRF/DH/ESN} names joined by slashes, in that order and
   * then any other type, leaving out integrity "NONE" (an AEAD cipher has none) and a D-H of "NONE"
   * (a Child SA without PFS).
   */
  public static String describe(Proposal proposal) {
    List<String> parts = new ArrayList<>();
    int[] order = {Transform.ENCR, Transform.INTEG, Transform.PRF, Transform.DH, Transform.ESN};
    for (int type : order) {
      for (Transform t : proposal.transforms(type)) {
        boolean none = (type == Transform.INTEG || type == Transform.DH) && t.id() == 0;
        if (!none) {
          parts.add(name(t));
        }
      }
    }
    for (Transform t : proposal.transforms()) {
      if (t.type() < Transform.ENCR || t.type() > Transform.ESN) {
        parts.add(name(t));
      }
    }
    return String.join("/", parts);
  }
}
