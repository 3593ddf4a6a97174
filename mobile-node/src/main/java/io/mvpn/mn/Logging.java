package io.mvpn.mn;

import org.slf4j.LoggerFactory;

/**
 * The node logs to stderr with times (slf4j-simple): a service manager keeps it, and {@code up
 * --daemon} sends it to the configured log file.
 */
final class Logging {

  private Logging() {}

  /** Before any logger is made: slf4j-simple reads its settings once. */
  static void configure() {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
  }

  static void info(String message) {
    LoggerFactory.getLogger("mvpn-mn").info(message);
  }

  static void warn(String message) {
    LoggerFactory.getLogger("mvpn-mn").warn(message);
  }
}
