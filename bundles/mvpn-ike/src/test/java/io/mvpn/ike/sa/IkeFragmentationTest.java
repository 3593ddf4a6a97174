package io.mvpn.ike.sa;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.Tshark;
import io.mvpn.ike.message.EncryptedFragmentPayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.VendorIdPayload;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.pki.TestCertificateAuthorities;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IKE fragmentation (RFC 7383) between engines in virtual time: RSA certificates with long
 * subjectAltName lists make IKE_AUTH larger than the 1280-byte fragment size both ways, so each
 * message goes in SKF fragments. Lost, forged, repeated and stale fragments, and fragment sets that
 * would take too much memory or never complete.
 */
class IkeFragmentationTest {

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofDays(30));
  static final int SIZE = EngineSettings.DEFAULT_FRAGMENT_SIZE;

  private final SecureRandom random = new SecureRandom();
  private final CertificateAuthority ca =
      TestCertificateAuthorities.tenYearsFrom("mvpn root", KeyType.RSA_2048, T0, random);

  /** A credential whose certificate names {@code fqdn} and 40 more hosts: about 2.5 KB. */
  private Credential large(Subject subject) {
    List<String> dns = new ArrayList<>(subject.dnsNames());
    for (int i = 0; i < 40; i++) {
      dns.add("host-" + i + ".fragments.example.net");
    }
    return ca.issue(
        new Subject(subject.commonName(), subject.addresses(), dns),
        KeyType.RSA_2048,
        T0,
        T0.plus(Duration.ofDays(365)));
  }

  private CertificateAuthenticator authenticator(Credential credential) {
    return new CertificateAuthenticator(
        credential, CertificateValidator.trusting(ca.certificate()), () -> NOW);
  }

  private final Credential mn = large(Subject.node("mn1.example.net"));

  private PeerConfig mnConfig() {
    return IkePair.mnConfig().withAuthenticator(authenticator(mn));
  }

  private IkePair pair(EngineSettings gwSettings) {
    Credential gw = large(Subject.gateway("sgw", IkePair.GW.address()));
    return new IkePair(
        mnConfig(), IkePair.gwConfig().withAuthenticator(authenticator(gw)), gwSettings);
  }

  private IkePair pair() {
    return pair(EngineSettings.defaults());
  }

  @Test
  void largeCertificatesGoInFragmentsBothWays() throws Exception {
    IkePair pair = pair();
    IkeSa mn = pair.start();
    pair.run(100);

    assertEstablished(pair, mn);
    assertThat(parse(pair.sent.get(0)).notification(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED))
        .isNotNull();
    assertThat(parse(pair.sent.get(1)).notification(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED))
        .isNotNull();
    List<Datagram> requests = authFragments(pair, false);
    List<Datagram> responses = authFragments(pair, true);
    assertThat(requests).hasSizeGreaterThan(1);
    assertThat(responses).hasSizeGreaterThan(1);
    assertThat(pair.flow()).hasSize(2 + requests.size() + responses.size());
    for (List<Datagram> message : List.of(requests, responses)) {
      int first = message == requests ? IkePayload.IDI : IkePayload.IDR;
      for (int i = 0; i < message.size(); i++) {
        Datagram d = message.get(i);
        // The IP datagram, 28 bytes of IPv4 and UDP headers with it, fits the fragment size.
        assertThat(d.payload().length + 28).isLessThanOrEqualTo(SIZE);
        EncryptedFragmentPayload skf = parse(d).encryptedFragment();
        assertThat(skf.fragmentNumber()).isEqualTo(i + 1);
        assertThat(skf.totalFragments()).isEqualTo(message.size());
        assertThat(skf.innerNextPayload()).isEqualTo(i == 0 ? first : IkePayload.NONE);
      }
    }
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1);
    assertThat(pair.initiator.counters().reassembled()).isEqualTo(1);
    assertThat(pair.responder.counters().undecryptable()).isZero();
  }

  @Test
  void withoutThePeersSupportTheMessageGoesWhole() throws Exception {
    IkePair pair = pair(EngineSettings.defaults().withFragmentSize(0));
    IkeSa mn = pair.start();
    pair.run(100);

    assertEstablished(pair, mn);
    // The mobile node announced it; the gateway, with fragmentation off, did not answer it.
    assertThat(parse(pair.sent.get(0)).notification(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED))
        .isNotNull();
    assertThat(parse(pair.sent.get(1)).notification(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED))
        .isNull();
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R");
    assertThat(pair.sent.get(2).payload().length).isGreaterThan(SIZE);
    assertThat(parse(pair.sent.get(2)).encryptedPayload()).isNotNull();
  }

  @Test
  void aLostRequestFragmentIsRecoveredByRetransmission() throws Exception {
    IkePair pair = pair();
    IkeSa mn = startLosingFragmentTwo(pair, false);
    assertThat(pair.peerOf(mn).tasks().fragments(true).bytes()).isPositive();

    pair.run(1000);
    assertEstablished(pair, mn);
    assertThat(pair.initiator.counters().retransmissions()).isEqualTo(1);
    // Every fragment went again; the one held already counts as a duplicate.
    assertThat(pair.responder.counters().duplicateFragments()).isPositive();
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1);
  }

  @Test
  void aLostResponseFragmentBringsTheWholeResponseAgain() throws Exception {
    IkePair pair = pair();
    IkeSa mn = startLosingFragmentTwo(pair, true);

    pair.run(1000);
    assertEstablished(pair, mn);
    // The retransmitted request's first fragment is known: the cached response goes again, once.
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1);
    assertThat(authFragments(pair, true)).hasSize(2 * total(authFragments(pair, true).get(0)));
  }

  @Test
  void aForgedFragmentIsRefusedWithoutTouchingTheSet() throws Exception {
    IkePair pair = pair();
    List<Datagram> held = new ArrayList<>();
    pair.lose =
        d -> {
          if (fragmentNumber(d, false) == 2 && held.isEmpty()) {
            held.add(d);
            // Claims one fragment more: the count is authenticated, so the ICV fails and the
            // set is neither restarted nor changed.
            byte[] forged = d.payload().clone();
            forged[35]++;
            pair.deliver(new Datagram(d.source(), d.destination(), forged));
            byte[] flipped = d.payload().clone();
            flipped[flipped.length - 1] ^= 1;
            pair.deliver(new Datagram(d.source(), d.destination(), flipped));
            pair.deliver(d);
            return true;
          }
          return false;
        };
    IkeSa mn = pair.start();
    pair.run(100);

    assertEstablished(pair, mn);
    assertThat(pair.responder.counters().undecryptable()).isEqualTo(2);
    assertThat(pair.initiator.counters().retransmissions()).isZero();
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1);
  }

  @Test
  void repeatedFragmentsAreIgnored() throws Exception {
    IkePair pair = pair();
    pair.lose =
        d -> {
          if (fragmentNumber(d, false) > 0) {
            // Each fragment arrives twice, the copy right after the original.
            pair.scheduler.schedule(1, TimeUnit.MILLISECONDS, () -> pair.responder.receive(d));
          }
          return false;
        };
    IkeSa mn = pair.start();
    pair.run(100);

    assertEstablished(pair, mn);
    int fragments = authFragments(pair, false).size();
    // The copies before the set is complete are duplicates; the copy of the last one comes for
    // a message answered already and is not fragment 1: not answered.
    assertThat(pair.responder.counters().duplicateFragments()).isEqualTo(fragments - 1);
    assertThat(pair.responder.counters().duplicatesAnswered()).isZero();
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1);
    assertThat(authFragments(pair, true)).hasSize(total(authFragments(pair, true).get(0)));
  }

  @Test
  void fragmentsOfAnAnsweredRequestAreDiscardedButTheFirstBringsTheAnswerAgain() throws Exception {
    IkePair pair = pair();
    IkeSa mn = pair.start();
    pair.run(100);
    assertEstablished(pair, mn);
    List<Datagram> requests = authFragments(pair, false);
    int responses = authFragments(pair, true).size();
    long unexpected = pair.responder.counters().unexpectedMessageId();

    pair.deliver(requests.get(1));
    pair.run(10);
    assertThat(pair.responder.counters().unexpectedMessageId()).isEqualTo(unexpected + 1);
    assertThat(authFragments(pair, true)).hasSize(responses);

    pair.deliver(requests.get(0));
    pair.run(10);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(authFragments(pair, true)).hasSize(2 * responses);
    assertThat(pair.peerOf(mn).state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void tooManyFragmentsAreDroppedUnopened() throws Exception {
    IkePair pair = pair();
    AtomicBoolean silent = new AtomicBoolean(true);
    pair.lose = d -> silent.get() && fragmentNumber(d, false) > 0;
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);

    // 100 fragments of an IKE_AUTH request, properly encrypted: more than a set may hold.
    List<byte[]> forged = fragments(mn, IkeHeader.IKE_AUTH, 1, 3000, 100);
    assertThat(forged.size()).isGreaterThan(FragmentReassembly.MAX_FRAGMENTS);
    for (byte[] f : forged) {
      pair.deliver(new Datagram(IkePair.MN, IkePair.GW, f));
    }
    pair.run(10);
    assertThat(pair.responder.counters().fragmentsDropped()).isEqualTo(forged.size());
    assertThat(gw.tasks().fragments(true)).isNull();

    silent.set(false);
    pair.run(5000);
    assertEstablished(pair, mn);
  }

  @Test
  void aSetLargerThanTheLimitIsDropped() throws Exception {
    IkePair pair = pair();
    IkeSa mn = pair.start();
    pair.run(100);
    assertEstablished(pair, mn);
    IkeSa gw = pair.peerOf(mn);

    // The mobile node's next request: 80 KB of payloads in 60-odd fragments, within the count
    // but past the byte limit.
    List<byte[]> big = fragments(mn, IkeHeader.INFORMATIONAL, 2, 80_000, 1400);
    assertThat(big.size()).isLessThanOrEqualTo(FragmentReassembly.MAX_FRAGMENTS);
    for (byte[] f : big) {
      pair.deliver(new Datagram(IkePair.MN, IkePair.GW, f));
      pair.run(1);
      FragmentReassembly held = gw.tasks().fragments(true);
      assertThat(held == null ? 0 : held.bytes()).isLessThanOrEqualTo(FragmentReassembly.MAX_BYTES);
    }
    assertThat(pair.responder.counters().fragmentsDropped()).isEqualTo(1);
    assertThat(pair.responder.counters().reassembled()).isEqualTo(1); // IKE_AUTH's only

    // What came after the drop is let go once the next request is answered.
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(gw.tasks().fragments(true)).isNull();
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void theSetsOfAllSasShareOneBudget() throws Exception {
    IkePair pair = pair();
    pair.responder.limitFragmentMemory(60_000);
    IkeSa mn1 = pair.start();
    Endpoint mn2At = Endpoint.of("203.0.113.62", 500);
    IkeSa mn2 = pair.start(pair.addInitiator(mn2At, mnConfig()));
    pair.run(100);
    assertEstablished(pair, mn1);
    assertEstablished(pair, mn2);
    assertThat(pair.responder.fragmentBytesHeld()).isZero();

    // 40 KB from each node, the first's last fragment held back: the second's set cannot fit.
    List<byte[]> first = fragments(mn1, IkeHeader.INFORMATIONAL, 2, 40_000, 1400);
    for (byte[] f : first.subList(0, first.size() - 1)) {
      pair.deliver(new Datagram(IkePair.MN, IkePair.GW, f));
    }
    pair.run(1);
    long held = pair.responder.fragmentBytesHeld();
    assertThat(held).isGreaterThan(35_000);
    for (byte[] f : fragments(mn2, IkeHeader.INFORMATIONAL, 2, 40_000, 1400)) {
      pair.deliver(new Datagram(mn2At, IkePair.GW, f));
      pair.run(1);
      assertThat(pair.responder.fragmentBytesHeld()).isLessThanOrEqualTo(60_000);
    }
    assertThat(pair.responder.counters().fragmentsDropped()).isPositive();
    assertThat(pair.peerOf(mn1).tasks().fragments(true).bytes()).isEqualTo((int) held);

    // The first set completes and goes; the second's leftovers time out.
    pair.deliver(new Datagram(IkePair.MN, IkePair.GW, first.get(first.size() - 1)));
    pair.run(10);
    assertThat(pair.peerOf(mn1).tasks().fragments(true)).isNull();
    pair.run(FragmentReassembly.TIMEOUT_SECONDS * 1000);
    assertThat(pair.responder.fragmentBytesHeld()).isZero();
  }

  @Test
  void anIncompleteSetIsDroppedAfterItsTimeout() throws Exception {
    IkePair pair = pair();
    IkeSa mn = pair.start();
    pair.run(100);
    assertEstablished(pair, mn);
    IkeSa gw = pair.peerOf(mn);

    // Fragment 1 of the mobile node's next request (an INFORMATIONAL), and nothing more.
    List<byte[]> next = fragments(mn, IkeHeader.INFORMATIONAL, 2, 3000, SIZE - 28);
    pair.deliver(new Datagram(IkePair.MN, IkePair.GW, next.get(0)));
    pair.run(10);
    assertThat(gw.tasks().fragments(true)).isNotNull();

    pair.run(FragmentReassembly.TIMEOUT_SECONDS * 1000 + 10);
    assertThat(gw.tasks().fragments(true)).isNull();
    assertThat(pair.responder.counters().fragmentsDropped()).isEqualTo(1);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  /**
   * Wireshark with the SA's keys opens every fragment, reassembles both IKE_AUTH messages and finds
   * nothing malformed or worth a warning.
   */
  @Test
  void wiresharkReassemblesTheFragments(@TempDir Path tmp) throws Exception {
    require(Tshark.installed(), "tshark is not installed (.ci/run installs it)");
    IkePair pair = pair();
    IkeSa mn = pair.start();
    pair.run(100);
    assertEstablished(pair, mn);
    Path pcap = tmp.resolve("ike-fragments.pcapng");
    pair.writePcap(pcap);
    String keys = "uat:ikev2_decryption_table:" + mn.wiresharkKeyLine();

    assertThat(
            Tshark.run(
                pcap, "-o", keys, "-Y", "_ws.malformed || _ws.expert.severity >= \"warning\""))
        .isEmpty();
    // Fragment number and count of each, and in the last one, the reassembled message's AUTH.
    List<String> expected = new ArrayList<>();
    for (boolean response : new boolean[] {false, true}) {
      int total = authFragments(pair, response).size();
      for (int number = 1; number <= total; number++) {
        expected.add(number + "\t" + total + "\t" + (number == total ? "14" : ""));
      }
    }
    List<String> rows =
        Tshark.run(
            pcap,
            "-o",
            keys,
            "-Y",
            "isakmp.exchangetype == 35",
            "-T",
            "fields",
            "-e",
            "isakmp.frag.number",
            "-e",
            "isakmp.frag.total",
            "-e",
            "isakmp.auth.method");
    assertThat(rows.stream().map(String::strip))
        .containsExactlyElementsOf(expected.stream().map(String::strip).toList());
    assertThat(Tshark.run(pcap, "-T", "fields", "-e", "ip.len"))
        .allMatch(length -> Integer.parseInt(length) <= SIZE);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Starts the mobile node with fragment 2 of the IKE_AUTH request (or response) lost the first
   * time: after 100 ms it still waits for the response.
   */
  private static IkeSa startLosingFragmentTwo(IkePair pair, boolean response) {
    AtomicBoolean lost = new AtomicBoolean();
    pair.lose = d -> fragmentNumber(d, response) == 2 && lost.compareAndSet(false, true);
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.INIT_DONE);
    return mn;
  }

  private static void assertEstablished(IkePair pair, IkeSa mn) {
    IkeSa gw = pair.peerOf(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.remoteId()).isEqualTo(IkePair.GW_ID);
    assertThat(gw.remoteId()).isEqualTo(IkePair.MN_ID);
    assertThat(mn.childSas()).hasSize(1);
    assertThat(gw.childSas()).hasSize(1);
    assertThat(pair.gwSad.all()).isNotEmpty();
  }

  /**
   * The mobile node's request of {@code exchange} with message ID {@code id}: {@code bytes} of
   * vendor ID payloads encrypted with its SA's keys, in fragments of {@code maxLength} bytes.
   */
  private static List<byte[]> fragments(IkeSa mn, int exchange, long id, int bytes, int maxLength) {
    List<IkePayload> payloads = new ArrayList<>();
    for (int left = bytes; left > 0; left -= 40_000) {
      payloads.add(new VendorIdPayload(Octets.of(new byte[Math.min(left, 40_000)])));
    }
    IkeHeader h = IkeHeader.of(mn.spiI(), mn.spiR(), exchange, IkeHeader.INITIATOR, id);
    return new IkeMessage(h, payloads).encodeFragments(mn.cipher(), maxLength);
  }

  /** The IKE_AUTH fragments sent so far: the responses' if {@code response}, else the requests'. */
  private static List<Datagram> authFragments(IkePair pair, boolean response) {
    List<Datagram> out = new ArrayList<>();
    for (Datagram d : pair.sent) {
      if (fragmentNumber(d, response) > 0) {
        out.add(d);
      }
    }
    return out;
  }

  /** The fragment number of an IKE_AUTH request (or response) fragment; 0 for anything else. */
  private static int fragmentNumber(Datagram d, boolean response) {
    byte[] p = d.payload();
    boolean isResponse = (p[19] & IkeHeader.RESPONSE) != 0;
    if (p.length < 36
        || (p[18] & 0xFF) != IkeHeader.IKE_AUTH
        || (p[16] & 0xFF) != IkePayload.SKF
        || isResponse != response) {
      return 0;
    }
    return (p[32] & 0xFF) << 8 | (p[33] & 0xFF);
  }

  /** The Total Fragments of a fragment. */
  private static int total(Datagram fragment) {
    byte[] p = fragment.payload();
    return (p[34] & 0xFF) << 8 | (p[35] & 0xFF);
  }

  private static IkeMessage parse(Datagram d) throws Exception {
    return IkeMessage.parse(Unpooled.wrappedBuffer(d.payload()));
  }
}
