package io.mvpn.api.testing;

import io.mvpn.api.config.ConfigList;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of the shipped configuration (etc/), as Karaf's fileinstall reads it, with each {@code
 * keystore:ALIAS} key replaced by the hex the appliance's keystore is created with (the first keys
 * of etc/io.mvpn.keys.cfg): what tests that play the appliance's peers need to hold its keys.
 */
public final class ShippedConfiguration {

  private ShippedConfiguration() {}

  /** {@code file} in {@code etc}, its keystore references resolved. */
  public static Properties cfg(Path etc, String file) throws IOException {
    Properties p = load(etc.resolve(file));
    Properties keystore = load(etc.resolve("io.mvpn.keys.cfg"));
    for (String item : ConfigList.items(keystore.getProperty("firstKeys", ""))) {
      String[] aliasAndKey = item.trim().split("\\s+");
      Pattern reference =
          Pattern.compile("keystore:" + Pattern.quote(aliasAndKey[0]) + "(?=\\s|,|$)");
      for (String name : p.stringPropertyNames()) {
        p.setProperty(
            name,
            reference
                .matcher(p.getProperty(name))
                .replaceAll(Matcher.quoteReplacement(aliasAndKey[1])));
      }
    }
    return p;
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    return p;
  }
}
