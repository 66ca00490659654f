package dev.prebundled.error;

/**
 * The codes every failure in prebundled is reported with, on the wire and in logs. Each code has
 * a default class: a transient failure may succeed when tried again (a crashed child, a full
 * queue, a busy file), a permanent one will fail the same way every time (a missing module, a
 * syntax error, a bad request). Configuration ({@code errorHandling}) may reclassify codes; this
 * enum only gives the defaults.
 */
public enum ErrorCode {
  // transient by default
  ECONNRESET(true),
  ETIMEDOUT(true),
  EADDRINUSE(true),
  ENETUNREACH(true),
  EBUSY(true),
  QUEUE_FULL(true),
  ESBUILD_CRASHED(true),

  // permanent by default
  MODULE_NOT_FOUND(false),
  INVALID_MODULE(false),
  INVALID_PACKAGE(false),
  BUILD_FAILED(false),
  BAD_REQUEST(false),
  ESBUILD_UNAVAILABLE(false),
  INTERNAL(false);

  private final boolean transientByDefault;

  ErrorCode(boolean transientByDefault) {
    this.transientByDefault = transientByDefault;
  }

  public boolean transientByDefault() {
    return transientByDefault;
  }
}
