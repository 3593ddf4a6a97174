package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.history.HistoryStore;
import org.junit.jupiter.api.Test;

/** What every {@link HistoryStore} does, in memory or in the state file. */
abstract class HistoryStoreContract {

  abstract HistoryStore store();

  @Test
  void entriesComeBackOldestFirstAndTheBoundDropsTheOldest() {
    HistoryStore store = store();
    for (int i = 1; i <= 5; i++) {
      store.append("dashboard/handovers", "h" + i, 3);
    }
    assertThat(store.entries("dashboard/handovers")).containsExactly("h3", "h4", "h5");
  }

  @Test
  void journalsAreListedByPrefixAndRemovedWhole() {
    HistoryStore store = store();
    store.append("dashboard/traffic/acme", "a", 10);
    store.append("dashboard/traffic/globex", "g", 10);
    store.append("dashboard/handovers", "h", 10);

    assertThat(store.journals("dashboard/traffic/"))
        .containsExactly("dashboard/traffic/acme", "dashboard/traffic/globex");
    assertThat(store.remove("dashboard/traffic/acme")).isTrue();
    assertThat(store.remove("dashboard/traffic/acme")).isFalse();
    assertThat(store.entries("dashboard/traffic/acme")).isEmpty();
    assertThat(store.journals("dashboard/")).hasSize(2);
  }

  @Test
  void aNameOutsideTheFormOrACapacityBelowOneIsRefused() {
    HistoryStore store = store();
    assertThatThrownBy(() -> store.append("Dash board", "x", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.append("a#1", "x", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.append("dashboard", "x", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.journals("")).isEmpty();
  }
}
