package dev.prebundled.cache;

import java.time.Clock;
import java.time.Duration;

/**
 * How a cached unit may be served given its age and the seed's {@code maxAge} and {@code
 * staleWhileRevalidate}: fresh entries are served as they are, stale ones are served while a
 * background rebuild runs, expired ones are rebuilt before serving.
 */
public enum Freshness {
  FRESH,
  STALE,
  EXPIRED;

  /** FRESH when age &lt; maxAge, STALE when age &lt; maxAge + staleWhileRevalidate, else EXPIRED. */
  public static Freshness of(CachedUnit unit, Duration maxAge, Duration staleWhileRevalidate, Clock clock) {
    Duration age = unit.age(clock);
    if (age.compareTo(maxAge) < 0) return FRESH;
    if (age.compareTo(maxAge.plus(staleWhileRevalidate)) < 0) return STALE;
    return EXPIRED;
  }
}
