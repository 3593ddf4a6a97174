package io.mvpn.sam.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.ApInitiator;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.kink.KinkExchange;
import io.mvpn.sam.kink.KinkMessageType;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.mvpn.sam.manager.SessionKeySource;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of a security association manager's KINK port, keyed by mvpn's KDC on
 * loopback: the manager {@code kink/sam} and nodes {@code kink/node00} and {@code kink/node01} with
 * their real keytabs and tickets. Each input comes to the manager as a datagram from node00's
 * address, in one of two forms (the first octet's low bit):
 *
 * <ul>
 *   <li>0: the rest of the input is the datagram, whatever it holds (the corpus: KINK messages
 *       node00 sent under a KDC of an earlier run, whose keys this run's manager does not hold);
 *   <li>1: a SAM_REQUEST node00 makes now with its real ticket, asking for node01, with the rest of
 *       the input as edits: three octets each, a position (two octets, modulo the length) and a
 *       value XORed in there. With no edit that changes an octet, the request is genuine.
 * </ul>
 *
 * <p>Only the genuine request may be granted. Anything else changes nothing in the manager: no
 * pair, no node address, no replay-cache entry, no accepted request, no datagram sent; it is
 * refused once, and counted malformed (by reason) exactly when it was unreadable, so no runtime
 * exception was swallowed as "malformed" on the way.
 */
class KinkResponderFuzzTest {

  @TempDir static Path dir;

  private static SamRealm realm;
  private static SessionKeySource tickets;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final InetSocketAddress NODE00 = SamRealm.address(0);

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, 2);
    // The KDC is asked once per peer: a genuine request the fuzzer repeats costs no TGS exchange.
    Map<String, SgtTicket> held = new ConcurrentHashMap<>();
    tickets =
        principal -> {
          SgtTicket t = held.get(principal);
          if (t == null) {
            t = realm.sessionKeys.ticket(principal);
            held.put(principal, t);
          }
          return t;
        };
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  /**
   * A manager and what it sent. Input that is refused changes nothing (which is what the target
   * checks), so one manager serves input after input; only a genuine request, which changes it, has
   * the next input meet a fresh one.
   */
  private static final class Manager {
    final VirtualTimeScheduler time = new VirtualTimeScheduler();
    final KerberosClock clock = new KerberosClock(time, SamRealm.WALL_CLOCK_AT_START);
    final SaManager pairs =
        new SaManager(
            clock,
            tickets,
            SaPairStore.inMemory(),
            SaManager.Settings.of(Duration.ofHours(8), 4_000, SamRealm.REALM),
            RANDOM);
    final ApAcceptor acceptor =
        new ApAcceptor(realm.managerKeys, SamRealm.MANAGER, clock, SamRealm.SKEW_MILLIS);
    final List<byte[]> sent = new ArrayList<>();
    final SamResponder sam =
        new SamResponder(
            time,
            pairs,
            acceptor,
            (datagram, to) -> sent.add(datagram),
            SamResponder.Settings.DEFAULT,
            Runnable::run,
            RANDOM);
    // Made once per manager: its clock stands still, and nothing refused enters the replay cache.
    final byte[] genuine = genuineRequest(clock);
  }

  private static Manager manager;

  @FuzzTest(maxDuration = "30m")
  void kinkMessagesThatDoNotAuthenticateGrantNothing(byte[] input) {
    if (manager == null) {
      manager = new Manager();
    }
    Manager m = manager;

    byte[] datagram;
    boolean genuine;
    if (input.length > 0 && (input[0] & 1) != 0) {
      byte[] request = m.genuine;
      datagram = request.clone();
      for (int i = 1; i + 2 < input.length; i += 3) {
        int at = (((input[i] & 0xFF) << 8) | (input[i + 1] & 0xFF)) % datagram.length;
        datagram[at] ^= input[i + 2];
      }
      genuine = Arrays.equals(datagram, request);
    } else {
      datagram = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
      genuine = false;
    }

    SamResponder.Counters counters = m.sam.counters();
    long refusedBefore = counters.refused().total();
    long malformedRefusalsBefore = counters.refused().of(KinkRefusal.MALFORMED);
    long unreadableBefore = unreadable(counters);

    m.sam.receive(datagram, NODE00);
    m.time.runPending();

    if (genuine) {
      manager = null;
      assertThat(counters.requests()).isEqualTo(1);
      assertThat(counters.grants() + counters.errors()).isEqualTo(1);
      assertThat(m.sent).isNotEmpty();
      return;
    }
    assertThat(counters.refused().total() - refusedBefore).as("refused once").isEqualTo(1);
    assertThat(counters.refused().of(KinkRefusal.MALFORMED) - malformedRefusalsBefore)
        .as("malformed exactly when unreadable (%s)", counters.refused().byReason())
        .isEqualTo(unreadable(counters) - unreadableBefore);
    assertThat(counters.requests()).isZero();
    assertThat(counters.grants()).isZero();
    assertThat(counters.errors()).isZero();
    assertThat(counters.installsSent() + counters.installsDeferred()).isZero();
    assertThat(m.sent).as("nothing answered").isEmpty();
    assertThat(m.sam.addressOf("node00")).isNull();
    assertThat(m.sam.installsPending()).isZero();
    assertThat(m.pairs.pairs()).isEmpty();
    assertThat(m.pairs.counters().granted()).isZero();
    assertThat(m.pairs.kdcRequestsOutstanding()).isZero();
    assertThat(m.acceptor.replayCacheSize()).isZero();
  }

  private static long unreadable(SamResponder.Counters counters) {
    return counters.malformed().values().stream().mapToLong(Long::longValue).sum();
  }

  /** What node00 sends to ask for a pair with node01, made now with its real ticket. */
  static byte[] genuineRequest(KerberosClock clock) {
    SgtTicket ticket = realm.nodeTickets.get(0);
    return KinkExchange.command(
        KinkMessageType.SAM_REQUEST,
        7,
        clock.unixMillis() / 1000,
        ApInitiator.apReq(ticket, SamRealm.principal(SamRealm.node(0)), clock),
        ticket,
        List.of(new KinkPayload.SamPeer(SamRealm.node(1))));
  }
}
