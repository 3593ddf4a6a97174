package io.mvpn.sam.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pair files that do not read back are moved aside, however often that happened before. */
class FileSaPairStoreTest {

  @TempDir Path dir;

  @Test
  void anUnreadableFileIsMovedAsideEvenOverAnEarlierBadCopy() throws Exception {
    FileSaPairStore store = new FileSaPairStore(dir);
    Path broken = dir.resolve("bm9kZTAxAG5vZGUwMg.sa");
    Files.write(broken, new byte[] {9, 9, 9});
    Files.write(dir.resolve(broken.getFileName() + ".bad"), new byte[] {7});

    assertThat(store.pairs()).isEmpty();
    assertThat(store.unreadable()).isEqualTo(1);
    assertThat(broken).doesNotExist();
    assertThat(dir.resolve(broken.getFileName() + ".bad")).hasBinaryContent(new byte[] {9, 9, 9});
  }
}
