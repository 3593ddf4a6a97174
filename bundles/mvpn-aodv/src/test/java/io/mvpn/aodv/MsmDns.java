package io.mvpn.aodv;

import io.mvpn.api.time.Scheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.CERTRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * The MSM's DNS as a sink's resolver sees it, in virtual time: queries and answers cross as DNS
 * wire bytes (dnsjava on both ends) 2 ms each way; it publishes CERT records (RFC 4398, PKIX) and
 * answers NXDOMAIN for names it has none for.
 */
final class MsmDns implements Resolver {

  private final Scheduler time;
  private final Map<Name, List<CERTRecord>> records = new HashMap<>();
  final List<String> queries = new ArrayList<>();

  MsmDns(Scheduler time) {
    this.time = time;
  }

  void publish(String name, byte[] der) throws IOException {
    Name owner = Name.fromString(name);
    records
        .computeIfAbsent(owner, n -> new ArrayList<>())
        .add(new CERTRecord(owner, DClass.IN, 3600, CERTRecord.PKIX, 0, 0, der));
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query) {
    return sendAsync(query, Runnable::run);
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    byte[] asked = query.toWire();
    time.schedule(
        4,
        TimeUnit.MILLISECONDS,
        () -> {
          try {
            answer.complete(new Message(respond(new Message(asked)).toWire()));
          } catch (IOException e) {
            answer.completeExceptionally(e);
          }
        });
    return answer;
  }

  private Message respond(Message q) {
    org.xbill.DNS.Record question = q.getQuestion();
    queries.add(question.getName() + "/" + Type.string(question.getType()));
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    r.addRecord(question, Section.QUESTION);
    List<CERTRecord> found =
        question.getType() == Type.CERT ? records.get(question.getName()) : null;
    if (found == null) {
      r.getHeader().setRcode(Rcode.NXDOMAIN);
    } else {
      found.forEach(c -> r.addRecord(c, Section.ANSWER));
    }
    return r;
  }

  @Override
  public void setPort(int port) {}

  @Override
  public void setTCP(boolean flag) {}

  @Override
  public void setIgnoreTruncation(boolean flag) {}

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

  @Override
  public void setTSIGKey(TSIG key) {}

  @Override
  public void setTimeout(Duration timeout) {}
}
