package io.mvpn.aodv.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The PKI Certificate extension (seed 002 c51-56, ours: type {@link AodvExtension#PKI_CERTIFICATE})
 * on a PKI hello and on the sink's answer to it. A certificate is longer than one extension's 255
 * bytes, so it travels in consecutive parts, each one extension:
 *
 * <pre>
 *  Form (1) | Part (1) | Parts (1) | Bytes (1 to 252)
 * </pre>
 *
 * Parts run from 1 to Parts (at most {@link #MAX_PARTS}), in order, with the same Form and Parts;
 * their Bytes joined are the payload. Form {@link Form#CERTIFICATE}: the X.509 certificate in DER
 * (what RFC 4398 calls PKIX). Form {@link Form#REFERENCE}: the certificate's SHA-256 fingerprint
 * (32 bytes) then the DNS name (ASCII) under which its MSM publishes it as a CERT record (c55).
 */
public record PkiCertificate(Form form, byte[] payload) {

  /** What the payload is. */
  public enum Form {
    /** The certificate itself, DER. */
    CERTIFICATE(1),
    /** SHA-256 fingerprint and the DNS name of its CERT record. */
    REFERENCE(2);

    final int code;

    Form(int code) {
      this.code = code;
    }

    static Form of(int code) {
      for (Form f : values()) {
        if (f.code == code) {
          return f;
        }
      }
      return null;
    }
  }

  /** Form, Part and Parts. */
  public static final int PART_HEADER_LENGTH = 3;

  public static final int MAX_PART_BYTES = AodvExtension.MAX_DATA_LENGTH - PART_HEADER_LENGTH;

  public static final int MAX_PARTS = 16;

  public static final int MAX_PAYLOAD = MAX_PARTS * MAX_PART_BYTES;

  public static final int FINGERPRINT_LENGTH = 32;

  public PkiCertificate {
    Objects.requireNonNull(form, "form");
    if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("certificate payload of " + payload.length + " bytes");
    }
    payload = payload.clone();
    if (form == Form.REFERENCE) {
      checkReference(payload);
    }
  }

  /** A certificate carried whole, DER. */
  public static PkiCertificate of(byte[] der) {
    return new PkiCertificate(Form.CERTIFICATE, der);
  }

  /** A reference: the certificate's SHA-256 and the DNS name of its CERT record. */
  public static PkiCertificate reference(byte[] sha256, String dnsName) {
    byte[] name = dnsName.getBytes(StandardCharsets.US_ASCII);
    if (sha256.length != FINGERPRINT_LENGTH) {
      throw new IllegalArgumentException("a fingerprint of " + sha256.length + " bytes");
    }
    byte[] p = Arrays.copyOf(sha256, FINGERPRINT_LENGTH + name.length);
    System.arraycopy(name, 0, p, FINGERPRINT_LENGTH, name.length);
    return new PkiCertificate(Form.REFERENCE, p);
  }

  private static void checkReference(byte[] p) {
    if (p.length <= FINGERPRINT_LENGTH || p.length > FINGERPRINT_LENGTH + 253) {
      throw new IllegalArgumentException("a reference of " + p.length + " bytes");
    }
    for (int i = FINGERPRINT_LENGTH; i < p.length; i++) {
      if (p[i] <= ' ' || p[i] >= 0x7F) {
        throw new IllegalArgumentException("a DNS name with byte " + (p[i] & 0xFF));
      }
    }
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The fingerprint of a reference. */
  public byte[] fingerprint() {
    requireReference();
    return Arrays.copyOf(payload, FINGERPRINT_LENGTH);
  }

  /** The DNS name of a reference. */
  public String dnsName() {
    requireReference();
    return new String(
        payload,
        FINGERPRINT_LENGTH,
        payload.length - FINGERPRINT_LENGTH,
        StandardCharsets.US_ASCII);
  }

  private void requireReference() {
    if (form != Form.REFERENCE) {
      throw new IllegalStateException("a " + form + " is not a reference");
    }
  }

  /** The parts, in order. */
  public List<AodvExtension> toExtensions() {
    int parts = (payload.length + MAX_PART_BYTES - 1) / MAX_PART_BYTES;
    List<AodvExtension> out = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      int from = i * MAX_PART_BYTES;
      int n = Math.min(MAX_PART_BYTES, payload.length - from);
      byte[] d = new byte[PART_HEADER_LENGTH + n];
      d[0] = (byte) form.code;
      d[1] = (byte) (i + 1);
      d[2] = (byte) parts;
      System.arraycopy(payload, from, d, PART_HEADER_LENGTH, n);
      out.add(AodvExtension.of(AodvExtension.PKI_CERTIFICATE, d));
    }
    return out;
  }

  /** The certificate a message carries, joined from its parts; null when it carries none. */
  public static PkiCertificate of(AodvMessage message) throws AodvFormatException {
    List<AodvExtension> parts = new ArrayList<>();
    int first = -1;
    List<AodvExtension> all = message.extensions();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).type() == AodvExtension.PKI_CERTIFICATE) {
        if (first >= 0 && i != first + parts.size()) {
          throw bad("certificate parts are not consecutive");
        }
        first = first < 0 ? i : first;
        parts.add(all.get(i));
      }
    }
    return parts.isEmpty() ? null : join(parts);
  }

  /** The certificate these consecutive parts carry. */
  public static PkiCertificate join(List<AodvExtension> parts) throws AodvFormatException {
    if (parts.size() > MAX_PARTS) {
      // Checked before allocating: a message of many small parts must not cost 252 bytes each.
      throw bad(parts.size() + " certificate parts, at most " + MAX_PARTS);
    }
    byte[] joined = new byte[parts.size() * MAX_PART_BYTES];
    int length = 0;
    Form form = null;
    for (int i = 0; i < parts.size(); i++) {
      AodvExtension e = parts.get(i);
      if (e.type() != AodvExtension.PKI_CERTIFICATE) {
        throw new IllegalArgumentException("extension " + e.type() + " is not a certificate");
      }
      byte[] d = e.data();
      if (d.length <= PART_HEADER_LENGTH) {
        throw new AodvFormatException(
            AodvFormatException.Reason.BAD_EXTENSION_LENGTH,
            "certificate part of " + d.length + " bytes");
      }
      Form f = Form.of(d[0] & 0xFF);
      if (f == null || (form != null && f != form)) {
        throw bad("certificate form " + (d[0] & 0xFF));
      }
      form = f;
      int parts0 = d[2] & 0xFF;
      if ((d[1] & 0xFF) != i + 1 || parts0 != parts.size() || parts0 > MAX_PARTS) {
        throw bad("certificate part " + (d[1] & 0xFF) + " of " + parts0 + " at " + (i + 1));
      }
      if (i < parts.size() - 1 && d.length != AodvExtension.MAX_DATA_LENGTH) {
        throw bad("certificate part " + (i + 1) + " is short but not the last");
      }
      System.arraycopy(d, PART_HEADER_LENGTH, joined, length, d.length - PART_HEADER_LENGTH);
      length += d.length - PART_HEADER_LENGTH;
    }
    byte[] payload = Arrays.copyOf(joined, length);
    if (form == Form.REFERENCE) {
      try {
        checkReference(payload);
        StandardCharsets.US_ASCII
            .newDecoder()
            .decode(ByteBuffer.wrap(payload, FINGERPRINT_LENGTH, length - FINGERPRINT_LENGTH));
      } catch (IllegalArgumentException | CharacterCodingException e) {
        throw bad("certificate reference: " + e.getMessage());
      }
    }
    return new PkiCertificate(form, payload);
  }

  private static AodvFormatException bad(String what) {
    return new AodvFormatException(AodvFormatException.Reason.BAD_EXTENSION_VALUE, what);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PkiCertificate other
        && form == other.form
        && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return form.hashCode() * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return form == Form.REFERENCE
        ? "pki-cert ref " + dnsName() + " sha256 " + HexFormat.of().formatHex(payload, 0, 4) + ".."
        : "pki-cert " + payload.length + " bytes";
  }
}
