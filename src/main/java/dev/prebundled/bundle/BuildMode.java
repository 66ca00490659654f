package dev.prebundled.bundle;

import java.util.Locale;

/** Development or production: sets {@code process.env.NODE_ENV} and the matching export condition. */
public enum BuildMode {
  DEVELOPMENT,
  PRODUCTION;

  public String nodeEnv() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BuildMode parse(String value) {
    for (BuildMode mode : values()) {
      if (mode.nodeEnv().equals(value)) return mode;
    }
    throw new IllegalArgumentException("mode must be development or production, got '" + value + "'");
  }
}
