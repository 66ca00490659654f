package dev.prebundled.config;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.List;

/** Configuration that cannot be used, with one message per problem, each naming its key. */
public final class ConfigException extends PrebundledException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(ErrorCode.BAD_REQUEST, "invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
