package io.mvpn.store;

import io.mvpn.api.ipsec.SamPairStore;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SA managers' pairs in the {@link StateFile}, key material included (the file is readable by the
 * appliance's user only). Reads come from memory; a pair goes into the file with the next commit
 * after a manager made or dropped it (once per pair, never per packet). Pairs whose wall-clock
 * lifetime ran out while the file was closed are dropped when it is opened, unreadable ones too.
 *
 * <p>Record, version 1: version octet, first and second node (UTF), each direction's keys as the
 * gateways' SAs are written, then created and expiry (Unix ms).
 */
public final class PersistentSamPairStore implements SamPairStore {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentSamPairStore.class);

  static final String PAIRS = "sam-pairs";
  private static final int PAIR_V1 = 1;

  private final InMemorySamPairStore cache = new InMemorySamPairStore();
  private final StateFile file;
  private final MVMap<String, byte[]> map;

  public PersistentSamPairStore(StateFile file, Clock clock) {
    this.file = file;
    this.map = file.map(PAIRS);
    long now = clock.millis();
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      String manager = e.getKey().split(" ")[0];
      try {
        StoredPair pair = decode(e.getValue());
        if (pair.expiresAtUnixMillis() <= now) {
          gone.add(e.getKey());
        } else {
          cache.put(manager, pair);
        }
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: SA pair {} unreadable, dropped", file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    if (!gone.isEmpty()) {
      file.change(() -> gone.forEach(map::remove));
    }
  }

  @Override
  public synchronized void put(String manager, StoredPair pair) {
    cache.put(manager, pair);
    file.change(() -> map.put(StateCodec.key(manager, pair.first(), pair.second()), encode(pair)));
  }

  @Override
  public synchronized void remove(String manager, String first, String second) {
    cache.remove(manager, first, second);
    file.change(() -> map.remove(StateCodec.key(manager, first, second)));
  }

  @Override
  public List<StoredPair> pairs(String manager) {
    return cache.pairs(manager);
  }

  static byte[] encode(StoredPair pair) {
    return StateCodec.write(
        out -> {
          out.writeByte(PAIR_V1);
          out.writeUTF(pair.first());
          out.writeUTF(pair.second());
          EspSaCodec.write(out, pair.firstToSecond());
          EspSaCodec.write(out, pair.secondToFirst());
          out.writeLong(pair.createdAtUnixMillis());
          out.writeLong(pair.expiresAtUnixMillis());
        });
  }

  static StoredPair decode(byte[] bytes) {
    return StateCodec.read(bytes, PersistentSamPairStore::read);
  }

  private static StoredPair read(DataInputStream in) throws IOException {
    StateCodec.version(in, PAIR_V1);
    return new StoredPair(
        in.readUTF(),
        in.readUTF(),
        EspSaCodec.readKeys(in),
        EspSaCodec.readKeys(in),
        in.readLong(),
        in.readLong());
  }
}
