package dev.prebundled.error;

import java.util.Optional;

/**
 * A failure with a code a client can act on, plus the package and source location it concerns
 * when those are known. Every layer throws this (or a subclass) for expected failures, so the RPC
 * layer can turn any of them into a structured error without guessing.
 */
public class PrebundledException extends RuntimeException {
  private final ErrorCode code;
  private final String packageName;
  private final SourceLocation location;

  public PrebundledException(ErrorCode code, String message) {
    this(code, message, null, null, null);
  }

  public PrebundledException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, null, cause);
  }

  public PrebundledException(
      ErrorCode code, String message, String packageName, SourceLocation location, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.packageName = packageName;
    this.location = location;
  }

  public ErrorCode code() {
    return code;
  }

  public Optional<String> packageName() {
    return Optional.ofNullable(packageName);
  }

  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }

  /** Whether trying again may help, by the code's default class. */
  public boolean isTransient() {
    return code.transientByDefault();
  }
}
