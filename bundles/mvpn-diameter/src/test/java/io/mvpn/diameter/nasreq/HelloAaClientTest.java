package io.mvpn.diameter.nasreq;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.AvpCode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sink's AA client as several routers share it. */
class HelloAaClientTest {

  @Test
  void routersAskingAtOnceNeverShareASessionId() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    HelloAaClient client =
        new HelloAaClient(
            (request, listener) -> ids.add(request.utf8(AvpCode.SESSION_ID)),
            "sink.acme.example",
            "acme.example",
            1);
    int routers = 4;
    int each = 5_000;
    ExecutorService loops = Executors.newFixedThreadPool(routers);
    try {
      List<Future<?>> done =
          IntStream.range(0, routers)
              .mapToObj(
                  r ->
                      loops.submit(
                          () -> {
                            for (int i = 0; i < each; i++) {
                              client.authorize(
                                  HelloAaRequestsTest.credentials(
                                      "alice@acme.example", 0x100, i + 1),
                                  answer -> {});
                            }
                          }))
              .<Future<?>>map(f -> f)
              .toList();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      loops.shutdownNow();
    }

    assertThat(ids).hasSize(routers * each);
  }
}
