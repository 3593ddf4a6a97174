package io.mvpn.diameter.message;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a node says about itself in CER and CEA (RFC 6733 §5.3): identity, addresses, vendor,
 * product and the applications it supports. 0xFFFFFFFF among the applications means a relay (§2.4).
 */
public record Capabilities(
    String originHost,
    String originRealm,
    List<InetAddress> hostAddresses,
    long vendorId,
    String productName,
    long firmwareRevision,
    long originStateId,
    Set<Long> authApplications,
    Set<Long> acctApplications) {

  public static final long RELAY_APPLICATION = 0xFFFFFFFFL;

  /** Inband-Security-Id NO_INBAND_SECURITY (§6.10): TLS, if any, starts before the CER. */
  public static final long NO_INBAND_SECURITY = 0;

  public Capabilities {
    hostAddresses = List.copyOf(hostAddresses);
    authApplications = Set.copyOf(authApplications);
    acctApplications = Set.copyOf(acctApplications);
  }

  /** The identity AVPs every base message starts with. */
  public List<Avp> identity() {
    return List.of(
        Avp.utf8(AvpCode.ORIGIN_HOST, originHost), Avp.utf8(AvpCode.ORIGIN_REALM, originRealm));
  }

  /** The AVPs of a CER, or of a CEA after its Result-Code. */
  public List<Avp> avps() {
    List<Avp> avps = new ArrayList<>(identity());
    for (InetAddress a : hostAddresses) {
      avps.add(Avp.address(AvpCode.HOST_IP_ADDRESS, a));
    }
    avps.add(Avp.unsigned32(AvpCode.VENDOR_ID, vendorId));
    avps.add(Avp.utf8(AvpCode.PRODUCT_NAME, productName).notMandatory());
    avps.add(Avp.unsigned32(AvpCode.ORIGIN_STATE_ID, originStateId));
    for (long app : sorted(authApplications)) {
      avps.add(Avp.unsigned32(AvpCode.AUTH_APPLICATION_ID, app));
    }
    for (long app : sorted(acctApplications)) {
      avps.add(Avp.unsigned32(AvpCode.ACCT_APPLICATION_ID, app));
    }
    avps.add(Avp.unsigned32(AvpCode.INBAND_SECURITY_ID, NO_INBAND_SECURITY));
    avps.add(Avp.unsigned32(AvpCode.FIRMWARE_REVISION, firmwareRevision).notMandatory());
    return avps;
  }

  private static List<Long> sorted(Set<Long> apps) {
    return apps.stream().sorted().toList();
  }

  /** Reads the capabilities out of a CER or CEA that passed {@link CommandGrammar#check}. */
  public static Capabilities of(DiameterMessage m) throws MalformedDiameterException {
    List<InetAddress> addresses = new ArrayList<>();
    for (Avp a : m.findAll(AvpCode.HOST_IP_ADDRESS)) {
      addresses.add(a.asAddress());
    }
    Set<Long> auth = new LinkedHashSet<>();
    Set<Long> acct = new LinkedHashSet<>();
    for (Avp a : m.findAll(AvpCode.AUTH_APPLICATION_ID)) {
      auth.add(a.asUnsigned32());
    }
    for (Avp a : m.findAll(AvpCode.ACCT_APPLICATION_ID)) {
      acct.add(a.asUnsigned32());
    }
    // Applications inside Vendor-Specific-Application-Id count as well (§6.11).
    for (Avp v : m.findAll(AvpCode.VENDOR_SPECIFIC_APPLICATION_ID)) {
      for (Avp a : v.asGrouped()) {
        if (a.vendorId() == 0 && a.code() == AvpCode.AUTH_APPLICATION_ID) {
          auth.add(a.asUnsigned32());
        } else if (a.vendorId() == 0 && a.code() == AvpCode.ACCT_APPLICATION_ID) {
          acct.add(a.asUnsigned32());
        }
      }
    }
    return new Capabilities(
        m.utf8(AvpCode.ORIGIN_HOST),
        m.utf8(AvpCode.ORIGIN_REALM),
        addresses,
        m.unsigned32(AvpCode.VENDOR_ID),
        m.utf8(AvpCode.PRODUCT_NAME),
        m.unsigned32(AvpCode.FIRMWARE_REVISION),
        m.unsigned32(AvpCode.ORIGIN_STATE_ID),
        auth,
        acct);
  }

  public boolean isRelay() {
    return authApplications.contains(RELAY_APPLICATION)
        || acctApplications.contains(RELAY_APPLICATION);
  }

  /** Whether this node may receive requests of {@code application} (or relays everything). */
  public boolean supports(long application) {
    return isRelay()
        || authApplications.contains(application)
        || acctApplications.contains(application);
  }

  /**
   * Whether a capabilities exchange with {@code other} must fail with 5010 NO_COMMON_APPLICATION:
   * both name applications and share none (a node of the base protocol alone, naming none, only
   * keeps connections, which is no conflict).
   */
  public boolean conflictsWith(Capabilities other) {
    boolean mineNamed = !authApplications.isEmpty() || !acctApplications.isEmpty();
    boolean theirsNamed = !other.authApplications.isEmpty() || !other.acctApplications.isEmpty();
    return mineNamed && theirsNamed && common(other).isEmpty();
  }

  /** The applications both sides can use; a relay on either side shares all of the other's. */
  public Set<Long> common(Capabilities other) {
    Set<Long> mine = new LinkedHashSet<>(authApplications);
    mine.addAll(acctApplications);
    Set<Long> theirs = new LinkedHashSet<>(other.authApplications);
    theirs.addAll(other.acctApplications);
    if (isRelay()) {
      return theirs;
    }
    if (other.isRelay()) {
      return mine;
    }
    mine.retainAll(theirs);
    return mine;
  }
}
