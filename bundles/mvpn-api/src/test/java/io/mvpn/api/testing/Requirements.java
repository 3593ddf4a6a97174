package io.mvpn.api.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (a tool such as tshark or charon, root, a device): missing
 * under {@code CI=true} it fails the test, naming what is missing, since CI installs everything
 * (.ci/run) and a silent skip there would hide a test that no longer runs; elsewhere it skips.
 */
public final class Requirements {

  private Requirements() {}

  /** Whether this run is CI's, where nothing may be missing. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * @param present whether the requirement holds
   * @param missing what is missing when it does not, e.g. "tshark is not installed"
   */
  public static void require(boolean present, String missing) {
    if (present) {
      return;
    }
    if (inCi()) {
      fail(missing + " (required under CI=true; .ci/run installs the tools)");
    }
    assumeTrue(false, missing);
  }
}
