package dev.prebundled.cache;

import java.util.List;

/**
 * The outcome of checking a unit's files against its manifest: ok, or the problems found, one per
 * line a person can read ({@code "index-X.js: sha256 mismatch"}, {@code "chunk-Y.js: missing"}).
 */
public record IntegrityReport(boolean ok, List<String> problems) {
  public IntegrityReport {
    problems = List.copyOf(problems);
    if (ok != problems.isEmpty()) throw new IllegalArgumentException("ok must be true exactly when there are no problems");
  }

  public static IntegrityReport of(List<String> problems) {
    return new IntegrityReport(problems.isEmpty(), problems);
  }
}
