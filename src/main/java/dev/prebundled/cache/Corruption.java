package dev.prebundled.cache;

import java.nio.file.Path;
import java.util.List;

/** A unit that failed its integrity check and was dropped: its key, where it was, and what was wrong. */
public record Corruption(CacheKey key, Path dir, List<String> problems) {
  public Corruption {
    problems = List.copyOf(problems);
  }
}
