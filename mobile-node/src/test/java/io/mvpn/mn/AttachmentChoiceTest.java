package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.mn.AttachmentChoice.Attachment;
import io.mvpn.mn.AttachmentChoice.Kind;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AttachmentChoiceTest {

  private static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  private static final Ipv4Address FA1 = Ipv4Address.parse("203.0.113.21");
  private static final Ipv4Address FA2 = Ipv4Address.parse("203.0.113.22");
  private static final Ipv4Address CAFE = Ipv4Address.parse("10.200.0.5");
  private static final Ipv4Address HOME_AGENT = Ipv4Address.parse("10.1.0.1");
  private static final long WAIT_MILLIS = 1000;

  private final VirtualTimeScheduler clock = new VirtualTimeScheduler();
  private final AttachmentChoice choice =
      new AttachmentChoice(Prefix.parse("10.1.0.0/16"), HOME_AGENT, WAIT_MILLIS, clock);

  @Test
  void anAgentHeardSoonAfterAMoveIsTakenAtOnce() {
    choice.moved();
    clock.advance(40, TimeUnit.MILLISECONDS); // the solicitation's answer
    choice.heardForeignAgent(FA1);

    assertThat(choice.decide(up(), false)).isEqualTo(new Attachment(Kind.AGENT, FA1));
  }

  @Test
  void anAddressWithADefaultRouteIsTakenAsCoLocatedOnlyOnceNoAgentAnsweredWithinTheWait() {
    choice.moved();
    clock.advance(WAIT_MILLIS - 1, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(Attachment.SEARCHING);

    clock.advance(1, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(new Attachment(Kind.COLOCATED, CAFE));
    assertThat(choice.current().describe()).isEqualTo("colocated 10.200.0.5");
  }

  @Test
  void anAddressArrivingAfterTheLinkCameUpDoesNotStartTheWaitForAnAgentAgain() {
    choice.moved(); // the link came up
    clock.advance(WAIT_MILLIS - 100, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(), false)).isEqualTo(Attachment.SEARCHING);

    choice.addressesChanged(); // DHCP answered
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(Attachment.SEARCHING);
    clock.advance(100, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(new Attachment(Kind.COLOCATED, CAFE));
  }

  @Test
  void anAddressWithoutADefaultRouteIsNoCareOfAddress() {
    choice.moved();
    clock.advance(10, TimeUnit.SECONDS);

    assertThat(choice.decide(up(CAFE), false)).isEqualTo(Attachment.SEARCHING);
    assertThat(choice.decide(up(), true)).isEqualTo(Attachment.SEARCHING);
  }

  @Test
  void anAddressOfTheHomeNetworkMeansHomeAtOnceWhateverElseWasChosen() {
    choice.moved();
    choice.heardForeignAgent(FA1);
    assertThat(choice.decide(up(), false).kind()).isEqualTo(Kind.AGENT);

    assertThat(choice.decide(up(HOME), true)).isEqualTo(new Attachment(Kind.HOME, HOME));
    assertThat(choice.current().describe()).isEqualTo("home");
  }

  @Test
  void theOwnHomeAgentAdvertisingOnTheLinkHoldsTheChoiceUntilTheHomeAddressIsThere() {
    choice.moved();
    assertThat(choice.heardHomeAgent(HOME_AGENT)).isTrue();
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);

    assertThat(choice.decide(up(CAFE), true)).isEqualTo(Attachment.SEARCHING);
    assertThat(choice.decide(up(HOME), true)).isEqualTo(new Attachment(Kind.HOME, HOME));
    choice.moved(); // away again: what was heard before the move is forgotten
    assertThat(choice.decide(up(), false)).isEqualTo(Attachment.SEARCHING);
  }

  @Test
  void aHomeAgentAdvertisementFromAnotherRouterIsNoHomeDecision() {
    choice.moved();
    assertThat(choice.heardHomeAgent(FA1)).isFalse();

    assertThat(choice.decide(up(), false)).isEqualTo(Attachment.SEARCHING);
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(new Attachment(Kind.COLOCATED, CAFE));
  }

  @Test
  void aCoLocatedAttachmentHoldsAgainstALateAgentUntilTheNextMove() {
    choice.moved();
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true).kind()).isEqualTo(Kind.COLOCATED);

    choice.heardForeignAgent(FA2);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(new Attachment(Kind.COLOCATED, CAFE));

    choice.moved();
    choice.heardForeignAgent(FA2);
    assertThat(choice.decide(up(CAFE), true)).isEqualTo(new Attachment(Kind.AGENT, FA2));
  }

  @Test
  void aCoLocatedAddressThatWentAwayEndsItsAttachmentAndTheWaitStartsAgain() {
    choice.moved();
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    choice.decide(up(CAFE), true);
    Ipv4Address renumbered = Ipv4Address.parse("10.200.0.9");

    assertThat(choice.decide(up(renumbered), true)).isEqualTo(Attachment.SEARCHING);
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(renumbered), true))
        .isEqualTo(new Attachment(Kind.COLOCATED, renumbered));
  }

  @Test
  void aLinkThatIsDownIsNoAttachment() {
    choice.moved();
    choice.heardForeignAgent(FA1);
    choice.decide(up(), false);

    assertThat(choice.decide(new AccessLink(false, Set.of(), 2), false))
        .isEqualTo(Attachment.SEARCHING);
  }

  @Test
  void leavingHomeWithoutAMoveLooksForAnAgentOrACareOfAddressAgain() {
    choice.moved();
    assertThat(choice.decide(up(HOME), true).kind()).isEqualTo(Kind.HOME);

    assertThat(choice.decide(up(CAFE), true)).isEqualTo(Attachment.SEARCHING);
    clock.advance(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(choice.decide(up(CAFE), true).kind()).isEqualTo(Kind.COLOCATED);
  }

  private static AccessLink up(Ipv4Address... addresses) {
    return new AccessLink(true, Set.of(addresses), 1);
  }
}
