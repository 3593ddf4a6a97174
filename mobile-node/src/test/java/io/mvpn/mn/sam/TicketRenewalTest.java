package io.mvpn.mn.sam;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mobilenode.HostKernel;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kink.KerberosClock;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.kdc.EncTgsRepPart;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;
import org.junit.jupiter.api.Test;

/**
 * The node's ticket for its manager is replaced before it ends, in virtual time: the KDC is a
 * scripted source handing out tickets of a given lifetime from the node's clock, so no wait is real
 * and every renewal is counted.
 */
class TicketRenewalTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final String MANAGER = "kink/sam@" + REALM;
  private static final Duration LIFETIME = Duration.ofHours(10);
  private static final long LAST_RETRY = 60_000;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final KerberosClock clock = KerberosClock.of(time, 1_780_000_000_000L);
  private final List<SgtTicket> issued = new ArrayList<>();
  private boolean kdcAnswers = true;
  private boolean kdcShortLived;
  private int asked;
  private String service = MANAGER;

  @Test
  void aTicketIsRenewedOnceFourFifthsOfItsLifetimeHavePassedLongBeforeItEnds() {
    HostSam sam = started();
    SamClient client = sam.client();
    assertThat(issued).hasSize(1);
    assertThat(client.ticket()).isSameAs(issued.get(0));

    time.advance(LIFETIME.toMinutes() * 4 / 5 - 1, TimeUnit.MINUTES);
    assertThat(issued).as("not before four fifths").hasSize(1);
    time.advance(2, TimeUnit.MINUTES);
    assertThat(issued).hasSize(2);
    assertThat(sam.client()).as("the same client: its SAs stay").isSameAs(client);
    assertThat(client.ticket()).isSameAs(issued.get(1));
    assertThat(endOf(client.ticket())).isGreaterThan(clock.unixMillis() + LIFETIME.toMillis() / 2);

    // A day on: every ticket replaced while it was still valid, one renewal each 8 hours.
    for (int hour = 0; hour < 24; hour++) {
      long before = clock.unixMillis();
      assertThat(endOf(client.ticket())).as("valid at %d h", hour).isGreaterThan(before);
      time.advance(1, TimeUnit.HOURS);
    }
    assertThat(issued).hasSize(5);
    assertThat(sam.status()).contains("sam-keys: held\n", "sam-ticket-renewals: 4\n");
  }

  @Test
  void aKdcSilentAtRenewalIsAskedAgainAfterADoublingWaitWhileTheOldTicketServes() {
    HostSam sam = started();
    SgtTicket first = sam.client().ticket();
    kdcAnswers = false;

    time.advance(LIFETIME.toMinutes() * 4 / 5, TimeUnit.MINUTES);
    time.advance(1, TimeUnit.SECONDS);
    assertThat(asked).isEqualTo(2);
    assertThat(sam.client().ticket()).isSameAs(first);
    assertThat(sam.status())
        .contains("sam-keys: held\n", "sam-ticket-renewals: 0 (renewal failing: the KDC is away)");
    time.advance(2, TimeUnit.SECONDS);
    assertThat(asked).isEqualTo(3);
    time.advance(2, TimeUnit.SECONDS);
    assertThat(asked).as("the wait doubled").isEqualTo(3);
    time.advance(1, TimeUnit.SECONDS);
    assertThat(asked).isEqualTo(4);

    kdcAnswers = true;
    time.advance(8, TimeUnit.SECONDS);
    assertThat(asked).isEqualTo(5);
    assertThat(issued).hasSize(2);
    assertThat(sam.client().ticket()).isSameAs(issued.get(1));
    assertThat(sam.status()).contains("sam-ticket-renewals: 1\n");
    assertThat(endOf(first))
        .as("renewed before the old one ended")
        .isGreaterThan(clock.unixMillis());
  }

  @Test
  void aKdcSilentPastTheTicketsEndLeavesTheKeysExpiredAndNoRequestIsSentUntilItAnswers() {
    HostSam sam = started();
    long ends = endOf(sam.client().ticket());
    kdcAnswers = false;

    time.advance(ends - clock.unixMillis() - 1, TimeUnit.MILLISECONDS);
    assertThat(sam.status()).contains("sam-keys: held\n");
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(clock.unixMillis()).isEqualTo(ends);
    assertThat(sam.status())
        .contains(
            "sam-keys: expired (ticket ended "
                + Instant.ofEpochMilli(ends)
                + "; renewal failing: the KDC is away)\n");

    String[] why = new String[1];
    sam.client().connect("cn", refusal(why));
    assertThat(why[0]).contains("ended at " + Instant.ofEpochMilli(ends), "no request");
    assertThat(sam.client().counters().requestsSent()).as("nothing sent to the manager").isZero();
    assertThat(sam.status()).contains("sam-requests: 0\n", "sam-requests-held-ticket-ended: 1\n");

    kdcAnswers = true;
    time.advance(LAST_RETRY, TimeUnit.MILLISECONDS);
    assertThat(sam.status())
        .contains("sam-keys: held\n", "sam-ticket-renewals: 1\n")
        .as("no more requests held back")
        .contains("sam-requests-held-ticket-ended: 1\n");
    assertThat(endOf(sam.client().ticket())).isGreaterThan(clock.unixMillis());
  }

  @Test
  void aTicketForAnotherServiceIsNotTakenAndTheKdcIsAskedAgain() {
    HostSam sam = started();
    SgtTicket first = sam.client().ticket();
    service = "kink/other@" + REALM;

    time.advance(LIFETIME.toMinutes() * 4 / 5 + 1, TimeUnit.MINUTES);
    assertThat(sam.client().ticket()).isSameAs(first);
    assertThat(sam.status()).contains("renewal failing: a ticket for kink/other@" + REALM);

    service = MANAGER;
    time.advance(2, TimeUnit.SECONDS);
    assertThat(sam.client().ticket()).isSameAs(issued.get(issued.size() - 1));
    assertThat(sam.status()).contains("sam-ticket-renewals: 1\n");
  }

  @Test
  void aKdcHandingOutTicketsThatEndAtOnceIsNotAskedInALoop() {
    kdcShortLived = true;
    HostSam sam = started();

    time.advance(1, TimeUnit.MINUTES);

    long waits = TimeUnit.MINUTES.toMillis(1) / HostSam.LEAST_RENEWAL_WAIT_MILLIS;
    assertThat((long) asked).isBetween(waits, 1 + waits);
    assertThat(sam.client()).isNotNull();
  }

  /** An outcome that must not be ready: it keeps why it failed. */
  private static SamClient.Outcome refusal(String[] why) {
    return new SamClient.Outcome() {
      @Override
      public void ready(InstalledSa sa) {
        throw new AssertionError("no SA without a valid ticket: " + sa);
      }

      @Override
      public void failed(long kinkError, String reason) {
        why[0] = reason;
      }
    };
  }

  /** A node with one correspondent, its keys from the scripted KDC, keyed at once. */
  private HostSam started() {
    Vrf vrf = new Vrf("mn", time, ByteBufAllocator.DEFAULT);
    HostSam sam =
        new HostSam(
            settings(),
            Ipv4Address.parse("10.1.0.5"),
            vrf,
            time,
            new HostKernel(ip -> {}),
            this::fromKdc,
            Runnable::run,
            clock,
            null);
    Interface tunnel =
        vrf.addInterface(
            "access-tunnel", Ipv4Address.parse("203.0.113.61"), 32, new HostKernel(ip -> {}));
    sam.start(tunnel);
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(sam.client()).isNotNull();
    return sam;
  }

  /** A ticket for {@link #service} from now on the node's clock, as the KDC would issue it. */
  private NodeKeys fromKdc() {
    asked++;
    if (!kdcAnswers) {
      throw new IllegalStateException("the KDC is away");
    }
    long now = clock.unixMillis();
    Ticket ticket = new Ticket();
    ticket.setSname(new PrincipalName(service));
    ticket.setRealm(REALM);
    EncTgsRepPart part = new EncTgsRepPart();
    part.setAuthTime(new KerberosTime(now));
    part.setStartTime(new KerberosTime(now));
    part.setEndTime(new KerberosTime(now + (kdcShortLived ? 1_000 : LIFETIME.toMillis())));
    SgtTicket sgt = new SgtTicket(ticket, part);
    issued.add(sgt);
    return new NodeKeys(sgt, new Keytab());
  }

  private static long endOf(SgtTicket t) {
    return t.getEncKdcRepPart().getEndTime().getTime();
  }

  private static SamSettings settings() {
    try {
      return SamSettings.parse(
          "test",
          Map.of(
              "manager",
              "10.1.0.200",
              "managerPrincipal",
              MANAGER,
              "principal",
              "kink/mn@" + REALM,
              "keytab",
              Path.of("mn.keytab").toString(),
              "correspondents",
              List.of("cn=10.1.0.100")));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
