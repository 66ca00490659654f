package dev.prebundled.esbuild;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;

/**
 * A failure of the esbuild service itself rather than of the code being bundled: the child died
 * ({@link ErrorCode#ESBUILD_CRASHED}, transient), esbuild refused the request, for example an
 * invalid flag or filter ({@link ErrorCode#BAD_REQUEST}), or no usable binary was found ({@link
 * ErrorCode#ESBUILD_UNAVAILABLE}).
 */
public class EsbuildException extends PrebundledException {
  public EsbuildException(ErrorCode code, String message) {
    super(code, message);
  }

  public EsbuildException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
