package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which access interface the node is on, when it moves, and the standbys' keepalives: in virtual
 * time, the links' states set by hand and the kernel's notification a call.
 */
class AccessInterfacesTest {

  private static final Ipv4Address A = Ipv4Address.parse("10.10.1.2");
  private static final Ipv4Address B = Ipv4Address.parse("10.10.2.2");
  private static final Ipv4Address C = Ipv4Address.parse("10.10.3.2");

  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  private final Map<String, AccessLink> links = new HashMap<>();
  private final List<String> seen = new ArrayList<>();
  private final List<String> given = new ArrayList<>(); // addresses handed over with attach
  private Runnable notification;
  private AccessInterfaces interfaces;

  @Test
  void theNodeStartsOnTheMostPreferredInterfaceWithAnAddressAndWarmsTheOtherAtOnce() {
    set("wlan0", true, A);
    set("wwan0", true, B);

    start("wlan0", "wwan0");

    assertThat(seen).containsExactly("attach wlan0: start", "warm wwan0 " + B);
    assertThat(interfaces.active()).isEqualTo("wlan0");
    assertThat(interfaces.standbys()).containsExactly("wwan0 " + B + " warm");
  }

  @Test
  void withoutTheFirstTheNodeStartsOnTheSecond() {
    set("wlan0", false);
    set("wwan0", true, B);

    start("wlan0", "wwan0");

    assertThat(seen).containsExactly("attach wwan0: start", "cold wlan0");
    assertThat(interfaces.standbys()).containsExactly("wlan0 down");
  }

  @Test
  void aStandbyKeepsSendingEveryFifteenSecondsAndStopsWhenItLosesItsAddress() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    seen.clear();

    scheduler.advance(AccessInterfaces.KEEPALIVE_MILLIS - 1, TimeUnit.MILLISECONDS);
    assertThat(seen).isEmpty();
    scheduler.advance(1, TimeUnit.MILLISECONDS);
    assertThat(seen).containsExactly("warm wwan0 " + B);
    scheduler.advance(4 * AccessInterfaces.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(seen).hasSize(5);

    seen.clear();
    set("wwan0", true);
    notifyNow();
    assertThat(seen).containsExactly("cold wwan0");
    scheduler.advance(10 * AccessInterfaces.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(seen).containsExactly("cold wwan0");
    assertThat(interfaces.standbys()).containsExactly("wwan0 no address");
  }

  @Test
  void aStandbyThatGainsItsAddressLaterIsWarmedOnTheNotification() {
    set("wlan0", true, A);
    set("wwan0", true);
    start("wlan0", "wwan0");
    seen.clear();

    set("wwan0", true, B);
    notifyNow();

    assertThat(seen).containsExactly("warm wwan0 " + B);
  }

  @Test
  void theActiveLosingItsAddressMovesTheNodeToTheStandbyOnTheNotificationWithoutALook() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    seen.clear();

    set("wlan0", true); // the address flushed: the link still up
    notifyNow();

    assertThat(seen).containsExactly("attach wwan0: wlan0 address " + A + " gone", "cold wlan0");
    assertThat(given).as("the standby's address, as just seen").containsExactly("wwan0 " + B);
    assertThat(scheduler.nanoTime()).isZero();
    assertThat(interfaces.active()).isEqualTo("wwan0");
    assertThat(interfaces.failovers()).isEqualTo(1);

    seen.clear();
    set("wlan0", false); // then the link goes down: the node is gone already
    notifyNow();
    scheduler.advance(AccessInterfaces.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(seen).containsOnly("cold wlan0"); // no keepalive
  }

  @Test
  void theActiveGoingDownWithItsAddressMovesTheNodeToTheBestStandbyWithOne() {
    set("wlan0", true, A);
    set("eth1", false);
    set("wwan0", true, B);
    start("wlan0", "eth1", "wwan0");
    seen.clear();

    set("wlan0", false);
    notifyNow();

    assertThat(seen).containsExactly("attach wwan0: wlan0 link down", "cold wlan0");
  }

  @Test
  void anInterfaceLeftDownWithItsAddressIsToldColdThoughItWasNeverWarm() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    seen.clear();

    set("wlan0", false, A); // the carrier lost, the address kept
    notifyNow();

    // The host may hold the network it left as a standby: it must let it go.
    assertThat(seen).containsExactly("attach wwan0: wlan0 link down", "cold wlan0");
    assertThat(interfaces.standbys()).containsExactly("wlan0 down");
  }

  @Test
  void withNoStandbyTheNodeWaitsOnItsInterfaceAsBeforeAndTakesTheNextAddressThere() {
    set("wlan0", true, A);
    start("wlan0");
    seen.clear();

    set("wlan0", false);
    notifyNow();
    assertThat(seen).isEmpty();

    set("wlan0", true, C);
    notifyNow();
    assertThat(seen).containsExactly("attach wlan0: link up");
    assertThat(interfaces.standbys()).isEmpty();
  }

  @Test
  void thePreferredInterfaceBackWithAnAddressTakesTheNodeBackAndTheOtherStaysWarm() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    set("wlan0", false);
    notifyNow();
    seen.clear();

    set("wlan0", true); // up, no address yet: stay
    notifyNow();
    assertThat(seen).isEmpty();

    set("wlan0", true, C);
    notifyNow();
    assertThat(seen)
        .containsExactly(
            "attach wlan0: new address " + C + ", preferred to wwan0", "warm wwan0 " + B);
    assertThat(interfaces.active()).isEqualTo("wlan0");
    assertThat(interfaces.movesBack()).isEqualTo(1);
    assertThat(given).containsExactly("wwan0 " + B, "wlan0 " + C);
    assertThat(interfaces.standbys()).containsExactly("wwan0 " + B + " warm");
  }

  @Test
  void aLessPreferredInterfaceGainingAnAddressOnlyWarmsItAndTheActiveOneIsNeverWarmed() {
    set("wlan0", true, A);
    set("wwan0", false);
    start("wlan0", "wwan0");
    seen.clear();

    set("wwan0", true, B);
    notifyNow();
    scheduler.advance(3 * AccessInterfaces.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);

    assertThat(seen).containsOnly("warm wwan0 " + B).hasSize(4);
    assertThat(seen).noneMatch(s -> s.contains("wlan0"));
  }

  @Test
  void aNewAddressOnTheActiveInterfaceIsAMoveThereAsBefore() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    seen.clear();

    set("wlan0", true, A, C);
    notifyNow();

    assertThat(seen).containsExactly("attach wlan0: new address " + C);
  }

  @Test
  void stopCancelsTheKeepalives() {
    set("wlan0", true, A);
    set("wwan0", true, B);
    start("wlan0", "wwan0");
    seen.clear();

    interfaces.stop();
    scheduler.advance(10 * AccessInterfaces.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);

    assertThat(seen).isEmpty();
  }

  private void set(String device, boolean up, Ipv4Address... addresses) {
    AccessLink before = links.get(device);
    long carrier = before == null ? 1 : before.carrierChanges() + (before.up() == up ? 0 : 1);
    links.put(device, new AccessLink(up, Set.of(addresses), carrier));
  }

  private void start(String... devices) {
    interfaces =
        new AccessInterfaces(
            List.of(devices),
            d -> () -> links.get(d),
            scheduler,
            new AccessInterfaces.Links() {
              @Override
              public void attach(String device, String why) {
                seen.add("attach " + device + ": " + why);
              }

              @Override
              public void attach(String device, Ipv4Address address, String why) {
                given.add(device + " " + address);
                attach(device, why);
              }

              @Override
              public void warm(String device, Ipv4Address address) {
                seen.add("warm " + device + " " + address);
              }

              @Override
              public void cold(String device) {
                seen.add("cold " + device);
              }
            },
            wake -> {
              notification = wake;
              return () -> notification = null;
            });
    interfaces.start();
  }

  /** The kernel's notification: every interface looked at, no time passing. */
  private void notifyNow() {
    notification.run();
    scheduler.runPending();
  }
}
