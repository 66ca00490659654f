package dev.prebundled.bundle;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The outcome of building one unit: per entry its output file and exports, every file written
 * (entries and shared chunks) with content hashes, the bare imports the output keeps (other
 * packages and Node builtins: the edges used to close the graph), the build time and warnings.
 */
public record BundleResult(
    PackageUnit unit,
    Map<String, EntryOutput> entries,
    List<BundledFile> files,
    SortedSet<String> externals,
    Duration buildTime,
    List<String> warnings) {

  public BundleResult {
    entries = Map.copyOf(entries);
    files = List.copyOf(files);
    warnings = List.copyOf(warnings);
  }

  public long totalBytes() {
    return files.stream().mapToLong(f -> f.contents().length).sum();
  }
}
