package dev.prebundled.rpc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.function.Predicate;

/**
 * The structured part of every error on the wire: a code a client can act on, its class
 * (transient: try again; permanent: don't), a message a person can act on, and the package, file
 * and position when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true) // newer daemons may add fields
public record ErrorData(
    String code,
    @JsonProperty("class") String errorClass,
    String message,
    @JsonProperty("package") String packageName,
    String file,
    Integer line,
    Integer column) {

  public static final String TRANSIENT = "transient";
  public static final String PERMANENT = "permanent";

  @JsonIgnore
  public boolean isTransient() {
    return TRANSIENT.equals(errorClass);
  }

  /** Describes a failure; {@code isTransient} classifies codes as the configuration says. */
  public static ErrorData of(Throwable error, Predicate<ErrorCode> isTransient) {
    if (error instanceof PrebundledException p) {
      return new ErrorData(p.code().name(), isTransient.test(p.code()) ? TRANSIENT : PERMANENT, p.getMessage(),
          p.packageName().orElse(null),
          p.location().map(l -> l.file()).orElse(null),
          p.location().filter(l -> l.line() > 0).map(l -> l.line()).orElse(null),
          p.location().filter(l -> l.line() > 0).map(l -> l.column()).orElse(null));
    }
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    return new ErrorData(ErrorCode.INTERNAL.name(), PERMANENT, "internal error: " + message, null, null, null, null);
  }

  public static ErrorData badRequest(String message) {
    return new ErrorData(ErrorCode.BAD_REQUEST.name(), PERMANENT, message, null, null, null, null);
  }
}
