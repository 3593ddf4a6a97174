package io.mvpn.diameter.nasreq;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.peer.RequestHandler;
import io.mvpn.store.InMemoryCounterStore;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The MSM's NASREQ server answering a sink's certificate request (seed 002 c56). */
class HelloAaServerTest {

  private static final byte[] BOBS_CERTIFICATE = {0x30, 0x03, 0x02, 0x01, 0x07};

  /** An MSM whose only member is bob of the site realm acme.example. */
  private final NodeAuthority msm =
      new NodeAuthority() {
        @Override
        public void authorize(
            io.mvpn.api.aaa.HelloCredentials c, Consumer<io.mvpn.api.aaa.Authorization> answer) {
          answer.accept(
              io.mvpn.api.aaa.Authorization.refused(
                  io.mvpn.api.aaa.Authorization.Outcome.UNKNOWN_NODE));
        }

        @Override
        public void certificates(String realm, String dnsName, Consumer<List<byte[]>> answer) {
          answer.accept(
              realm.equals("acme.example") && dnsName.equals("bob.acme.example")
                  ? List.of(BOBS_CERTIFICATE)
                  : List.of());
        }
      };

  @Test
  void aCertificateRequestIsAnsweredForTheRequestersOwnOriginRealmOnly() throws Exception {
    RequestHandler.Answer own =
        new HelloAaServer(msm)
            .handle(
                CertificateRequests.request(
                    "s;1",
                    "sink.acme.example",
                    "acme.example",
                    "acme.example",
                    "bob.acme.example"));
    RequestHandler.Answer foreign =
        new HelloAaServer(msm)
            .handle(
                CertificateRequests.request(
                    "s;2",
                    "sink.globex.example",
                    "globex.example",
                    "acme.example",
                    "bob.acme.example"));

    assertThat(own.resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(foreign.resultCode()).isEqualTo(ResultCode.AUTHENTICATION_REJECTED);
  }

  @Test
  void aDuplicateHelloCrossesTheWireAsADuplicateNotAsARefusal() throws Exception {
    NodeAuthority duplicating =
        (c, answer) ->
            answer.accept(
                io.mvpn.api.aaa.Authorization.refused(
                    io.mvpn.api.aaa.Authorization.Outcome.DUPLICATE));
    io.mvpn.diameter.message.DiameterMessage request =
        HelloAaRequests.request(
            "s;3",
            "sink.acme.example",
            "acme.example",
            "acme.example",
            HelloAaRequestsTest.credentials("bob@acme.example", 256, 5));
    RequestHandler.Answer a = new HelloAaServer(duplicating).handle(request);
    io.mvpn.diameter.message.DiameterMessage answer =
        io.mvpn.diameter.message.DiameterMessage.answer(request, a.resultCode(), a.avps());

    assertThat(a.resultCode()).isEqualTo(ResultCode.AUTHENTICATION_REJECTED);
    assertThat(HelloAaClient.authorization(answer).outcome())
        .isEqualTo(io.mvpn.api.aaa.Authorization.Outcome.DUPLICATE);
  }

  @Test
  void itCountsWhatItAnsweredByRequestAndOutcome() throws Exception {
    HelloAaServer server = new HelloAaServer(msm);
    server.handle(
        CertificateRequests.request(
            "s;4", "sink.acme.example", "acme.example", "acme.example", "bob.acme.example"));
    server.handle(
        CertificateRequests.request(
            "s;5", "sink.acme.example", "acme.example", "acme.example", "eve.acme.example"));
    server.handle(
        HelloAaRequests.request(
            "s;6",
            "sink.acme.example",
            "acme.example",
            "acme.example",
            HelloAaRequestsTest.credentials("mallory@acme.example", 256, 5)));

    assertThat(server.counts())
        .containsExactly(
            java.util.Map.entry(new HelloAaServer.Counted("certificates", "found"), 1L),
            java.util.Map.entry(new HelloAaServer.Counted("certificates", "none"), 1L),
            java.util.Map.entry(new HelloAaServer.Counted("hello", "unknown_node"), 1L));
  }

  @Test
  void aServerThatFollowsAnotherOverTheSameCounterStoreGoesOnFromItsCounts() throws Exception {
    CounterStore store = new InMemoryCounterStore();
    new HelloAaServer(msm, store, "diameter/msm.example").handle(certificateRequest("s;1"));

    HelloAaServer again = new HelloAaServer(msm, store, "diameter/msm.example");
    assertThat(again.counts())
        .containsEntry(new HelloAaServer.Counted("certificates", "found"), 1L);
    again.handle(certificateRequest("s;2"));
    assertThat(again.counts())
        .containsEntry(new HelloAaServer.Counted("certificates", "found"), 2L);
    // Another node's server counts apart.
    assertThat(new HelloAaServer(msm, store, "diameter/other.example").counts()).isEmpty();
  }

  private static io.mvpn.diameter.message.DiameterMessage certificateRequest(String session) {
    return CertificateRequests.request(
        session, "sink.acme.example", "acme.example", "acme.example", "bob.acme.example");
  }
}
