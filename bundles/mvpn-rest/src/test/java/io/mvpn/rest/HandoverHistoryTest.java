package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.history.HistoryStore;
import io.mvpn.rest.ApplianceView.HandoverView;
import io.mvpn.rest.ApplianceView.NodeView;
import io.mvpn.rest.HandoverHistory.Location;
import io.mvpn.rest.HandoverHistory.Node;
import io.mvpn.store.InMemoryHistoryStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handover timeline as the sampler's looks at the bindings build it. */
class HandoverHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");
  private static final Set<String> BOTH = Set.of("acme", "globex");
  private static final Node ACME_MN = new Node("acme", "10.1.0.5");
  private static final Node GLOBEX_MN = new Node("globex", "10.1.0.5");
  private static final Location FA1 = new Location("203.0.113.11", "fa1");
  private static final Location FA2 = new Location("203.0.113.12", "fa2");
  private static final Location COLO = new Location("203.0.113.61", null);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HistoryStore store = new InMemoryHistoryStore();
  private final HandoverHistory history = new HandoverHistory(3, store, JSON);

  private static Map<Node, Location> away(Object... nodeThenLocation) {
    Map<Node, Location> m = new LinkedHashMap<>();
    for (int i = 0; i < nodeThenLocation.length; i += 2) {
      m.put((Node) nodeThenLocation[i], (Location) nodeThenLocation[i + 1]);
    }
    return m;
  }

  @Test
  void theFirstLookPlacesTheNodesWithoutInventingHandovers() {
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));

    assertThat(history.handovers(10, null)).isEmpty();
    assertThat(history.nodes())
        .containsExactly(
            new NodeView("acme", "10.1.0.5", "203.0.113.11", "fa1", T0.toString()),
            new NodeView("globex", "10.1.0.5", "203.0.113.11", "fa1", T0.toString()));
  }

  @Test
  void aNewCareOfAddressIsAHandoverFromTheOldOneAndSinceMovesWithIt() {
    Instant t1 = T0.plusMillis(250);
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));
    history.observe(t1, BOTH, away(ACME_MN, FA2, GLOBEX_MN, FA1));

    assertThat(history.handovers(10, null))
        .containsExactly(
            new HandoverView(
                t1.toString(), "acme", "10.1.0.5", "203.0.113.11", "fa1", "203.0.113.12", "fa2"));
    assertThat(history.nodes().get(0).since()).isEqualTo(t1.toString());
    assertThat(history.nodes().get(1).since()).as("globex stayed").isEqualTo(T0.toString());
  }

  @Test
  void twoHomeAddressesAlikeInTwoTenantsAreTwoNodes() {
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));
    history.observe(T0.plusSeconds(1), BOTH, away(ACME_MN, FA1, GLOBEX_MN, COLO));

    assertThat(history.handovers(10, "acme")).isEmpty();
    assertThat(history.handovers(10, "globex"))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.toCareOf()).isEqualTo("203.0.113.61");
              assertThat(h.toAgent()).as("co-located").isNull();
            });
  }

  @Test
  void aLostBindingIsAHandoverHomeAndANewOneAHandoverFromHome() {
    history.observe(T0, BOTH, away(ACME_MN, COLO));
    history.observe(T0.plusSeconds(1), BOTH, away());
    history.observe(T0.plusSeconds(2), BOTH, away());
    history.observe(T0.plusSeconds(3), BOTH, away(ACME_MN, FA1));

    List<HandoverView> h = history.handovers(10, null);
    assertThat(h).hasSize(2);
    assertThat(h.get(0).fromCareOf()).isEqualTo("203.0.113.61");
    assertThat(h.get(0).toCareOf()).as("home").isNull();
    assertThat(h.get(1).fromCareOf()).as("from home").isNull();
    assertThat(h.get(1).toAgent()).isEqualTo("fa1");
    assertThat(history.nodes()).singleElement().extracting(NodeView::foreignAgent).isEqualTo("fa1");
  }

  @Test
  void aNodeAtHomeStaysListedUntilItsTenantIsGone() {
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));
    history.observe(T0.plusSeconds(1), BOTH, away(GLOBEX_MN, FA1));

    assertThat(history.nodes())
        .extracting(NodeView::tenant, NodeView::careOfAddress)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple("acme", null),
            org.assertj.core.api.Assertions.tuple("globex", "203.0.113.11"));

    history.observe(T0.plusSeconds(2), Set.of("globex"), away(GLOBEX_MN, FA1));

    assertThat(history.nodes()).extracting(NodeView::tenant).containsExactly("globex");
  }

  @Test
  void theTimelineKeepsOnlyTheLatestHandoversUpToItsCapacity() {
    Location[] places = {FA1, FA2, COLO};
    history.observe(T0, BOTH, away(ACME_MN, FA1));
    for (int i = 1; i <= 10; i++) {
      history.observe(T0.plusSeconds(i), BOTH, away(ACME_MN, places[i % 3]));
    }

    List<HandoverView> kept = history.handovers(100, null);
    assertThat(kept).hasSize(3);
    assertThat(kept)
        .extracting(HandoverView::time)
        .containsExactly(
            T0.plusSeconds(8).toString(),
            T0.plusSeconds(9).toString(),
            T0.plusSeconds(10).toString());
    assertThat(history.handovers(1, null)).containsExactly(kept.get(2));
  }

  @Test
  void aHistoryWithoutRoomIsRefused() {
    assertThatThrownBy(() -> new HandoverHistory(0, store, JSON))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNewHistoryOverTheSameStoreShowsTheTimelineAnUpdateWouldHaveLost() {
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));
    history.observe(T0.plusSeconds(1), BOTH, away(ACME_MN, FA2, GLOBEX_MN, FA1));
    history.observe(T0.plusSeconds(2), BOTH, away(ACME_MN, FA2, GLOBEX_MN, COLO));
    List<HandoverView> before = history.handovers(10, null);

    // The bundle updated: a new instance over the store the old one wrote to.
    HandoverHistory after = new HandoverHistory(3, store, JSON);

    assertThat(before).hasSize(2);
    assertThat(after.handovers(10, null)).isEqualTo(before);
    assertThat(after.handovers(10, "globex"))
        .singleElement()
        .extracting(HandoverView::toCareOf)
        .isEqualTo("203.0.113.61");
  }

  @Test
  void theStoredTimelineIsBoundedLikeTheOneInMemory() {
    history.observe(T0, BOTH, away(ACME_MN, FA1));
    for (int i = 1; i <= 10; i++) {
      history.observe(T0.plusSeconds(i), BOTH, away(ACME_MN, i % 2 == 0 ? FA1 : FA2));
    }

    assertThat(store.entries(HandoverHistory.JOURNAL)).hasSize(3);
    assertThat(new HandoverHistory(3, store, JSON).handovers(10, null))
        .isEqualTo(history.handovers(10, null));
  }

  @Test
  void anEntryInAnotherShapeIsSkippedNotFatal() {
    store.append(HandoverHistory.JOURNAL, "{\"colour\": \"blue\"}", 3);
    store.append(HandoverHistory.JOURNAL, "not json", 3);

    assertThat(new HandoverHistory(3, store, JSON).handovers(10, null)).isEmpty();
  }

  @Test
  void aRemovedTenantsHandoversGoFromTheTimelineAndTheStoreSoANewTenantOfItsNameHasNone() {
    history.observe(T0, BOTH, away(ACME_MN, FA1, GLOBEX_MN, FA1));
    history.observe(T0.plusSeconds(1), BOTH, away(ACME_MN, FA2, GLOBEX_MN, FA2));

    history.observe(T0.plusSeconds(2), Set.of("globex"), away(GLOBEX_MN, FA2));
    HandoverHistory afterRestart = new HandoverHistory(3, store, JSON);
    afterRestart.observe(T0.plusSeconds(3), BOTH, away(GLOBEX_MN, FA2));

    assertThat(history.handovers(10, null))
        .extracting(HandoverView::tenant)
        .containsExactly("globex");
    assertThat(afterRestart.handovers(10, "acme")).isEmpty();
    assertThat(afterRestart.handovers(10, "globex")).hasSize(1);
  }
}
