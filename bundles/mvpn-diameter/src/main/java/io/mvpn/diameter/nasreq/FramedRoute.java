package io.mvpn.diameter.nasreq;

import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;

/**
 * A Framed-Route value (RFC 7155 §4.4.10.5.3, the RADIUS text form): "prefix/length gateway
 * metric", gateway 0.0.0.0 meaning the user's own address, e.g. "10.1.0.0/16 0.0.0.0 1".
 */
public record FramedRoute(String prefix, String gateway, int metric) {

  public static FramedRoute parse(String text) throws MalformedDiameterException {
    String[] f = text.trim().split("\\s+");
    if (f.length < 2 || !f[0].contains("/")) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE, "Framed-Route '" + text + "'");
    }
    int metric = 1;
    if (f.length > 2) {
      try {
        metric = Integer.parseInt(f[2]);
      } catch (NumberFormatException e) {
        throw new MalformedDiameterException(
            ResultCode.INVALID_AVP_VALUE, "Framed-Route metric '" + f[2] + "'");
      }
    }
    return new FramedRoute(f[0], f[1], metric);
  }

  @Override
  public String toString() {
    return prefix + " " + gateway + " " + metric;
  }
}
