package io.mvpn.aodv;

import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.HelloCredentials;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One question to a node's home MSM about a hello, AODV's or DHCP's (seed 002 c41, c60): the
 * credentials the hello proves, asked of the site's authority; the answer comes back on the
 * router's scheduler, and so does the end of the wait when there is none within {@link
 * #ANSWER_TIMEOUT_MILLIS}. The caller tells a late answer from a current one.
 */
final class MsmQuestion {

  /**
   * How long a hello waits for its answer: the Diameter watchdog's Tw (RFC 3539, 30 s), after which
   * a peer that does not answer has been failed over; the node is refused as unreachable.
   */
  static final long ANSWER_TIMEOUT_MILLIS = 30_000;

  private MsmQuestion() {}

  static void ask(
      RouterContext ctx,
      SitePolicy policy,
      HelloAuthentication hello,
      Ipv4Address address,
      byte[] signedBytes,
      Consumer<Authorization> answered,
      Runnable unanswered) {
    HelloCredentials credentials =
        new HelloCredentials(
            hello.identity(),
            address,
            hello.spi(),
            hello.timestamp(),
            signedBytes,
            hello.authenticator(),
            policy.realm());
    policy
        .authority()
        .authorize(credentials, answer -> ctx.scheduler.execute(() -> answered.accept(answer)));
    ctx.scheduler.schedule(ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS, unanswered);
  }
}
