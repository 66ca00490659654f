package dev.prebundled.cache;

import java.util.List;

/**
 * The outcome of a periodic check: how many units were re-verified, how many leftovers of
 * interrupted commits were removed, and the corrupt units that were dropped.
 */
public record SweepResult(int checked, int temporaryRemoved, List<Corruption> corrupt) {
  public SweepResult {
    corrupt = List.copyOf(corrupt);
  }
}
