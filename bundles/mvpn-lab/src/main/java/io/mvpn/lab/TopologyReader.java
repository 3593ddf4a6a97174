package io.mvpn.lab;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@link Topology} from YAML or JSON (JSON is YAML too, but errors read better as JSON).
 */
public final class TopologyReader {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private TopologyReader() {}

  public static Topology yaml(String text) throws IOException {
    return YAML.readValue(text, Topology.class);
  }

  public static Topology json(String text) throws IOException {
    return JSON.readValue(text, Topology.class);
  }

  /** By the file's extension: {@code .json} is JSON, anything else YAML. */
  public static Topology read(Path file) throws IOException {
    String text = Files.readString(file);
    return file.getFileName().toString().endsWith(".json") ? json(text) : yaml(text);
  }
}
