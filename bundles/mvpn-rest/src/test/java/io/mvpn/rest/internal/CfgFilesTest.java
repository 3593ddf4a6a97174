package io.mvpn.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfgFilesTest {

  @TempDir Path etc;

  @Test
  void aWrittenFileReadsBackAsTheSameProperties() throws Exception {
    Map<String, Object> written = new LinkedHashMap<>();
    written.put("mvpn.tenant", "initech");
    written.put("tenant.target", "(mvpn.tenant=initech)");
    written.put("description", " Initech: \\\\ TPS reports #1 = yes");
    written.put("transport", "host:127.0.0.1:434=4343");
    Path file = new CfgFiles(etc).file("io.mvpn.tenant", "initech").orElseThrow();

    CfgFiles.write(file, "Added through the REST API by mvpn", written);

    assertThat(file).hasFileName("io.mvpn.tenant-initech.cfg");
    Properties read = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      read.load(in);
    }
    assertThat(read).isEqualTo(new Hashtable<>(written));
    assertThat(etc).isDirectoryNotContaining("glob:**.partial");
  }

  @Test
  void aConfigurationIsTiedToItsFileByTheFileInstallersProperty() {
    Path file = etc.resolve("io.mvpn.homeagent-initech.cfg");
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(CfgFiles.FILENAME, CfgFiles.key(file));

    assertThat(CfgFiles.key(file)).startsWith("file:/").doesNotStartWith("file://");

    assertThat(CfgFiles.file(properties)).contains(file);
    assertThat(CfgFiles.file(new Hashtable<>())).isEmpty();
    assertThat(new CfgFiles(null).file("io.mvpn.tenant", "initech")).isEmpty();
  }
}
