package io.mvpn.rest;

/**
 * A request the API refuses, with the HTTP status to answer and, for bad input, the field at fault:
 * the caller gets both in a JSON error body, never a stack trace.
 */
public final class ApiException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  public ApiException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  /** 400: the value of {@code field} cannot be taken. */
  public static ApiException badField(String field, String message) {
    return new ApiException(400, field, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, field, message);
  }

  public int status() {
    return status;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }
}
