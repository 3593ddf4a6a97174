package io.mvpn.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {

  @Test
  void aListenerThatThrowsIsCountedAndTheOthersAreStillTold() {
    Listeners<List<String>> listeners = new Listeners<>("test events");
    List<String> first = new ArrayList<>();
    List<String> last = new ArrayList<>();
    listeners.add(first);
    listeners.add(List.of()); // immutable: add throws
    listeners.add(last);

    listeners.tell(l -> l.add("event"));

    assertThat(first).containsExactly("event");
    assertThat(last).containsExactly("event");
    assertThat(listeners.failures()).isEqualTo(1);
  }

  @Test
  void aListenerMayRemoveItselfWhileBeingTold() {
    Listeners<Runnable> listeners = new Listeners<>("test events");
    int[] calls = new int[1];
    Runnable once =
        new Runnable() {
          @Override
          public void run() {
            calls[0]++;
            listeners.remove(this);
          }
        };
    listeners.add(once);
    listeners.tell(Runnable::run);
    listeners.tell(Runnable::run);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(listeners.isEmpty()).isTrue();
  }

  @Test
  void tellEachReturnsHowManyThrew() {
    List<Runnable> whiteboard =
        List.of(
            () -> {},
            () -> {
              throw new IllegalStateException("broken listener");
            });
    assertThat(Listeners.tellEach(whiteboard, Runnable::run, "test events")).isEqualTo(1);
  }
}
