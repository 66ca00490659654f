package dev.prebundled.cache;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code manifest.json} of a committed unit, written last so its presence means the unit is
 * complete: the schema, the full key and its hash (a directory is only served for the key it
 * records), what each entry became, every file with its sha256 and size, the bare imports the
 * output keeps, when and how fast it was built, and the build's warnings.
 */
public record Manifest(
    int schema,
    CacheKey key,
    String keyHash,
    Map<String, ManifestEntry> entries,
    List<ManifestFile> files,
    List<String> externals,
    long builtAtEpochMillis,
    long buildMs,
    List<String> warnings) {

  /** The manifest schema this code reads and writes; any other is ignored as if absent. */
  public static final int SCHEMA = 1;

  public Manifest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keyHash, "keyHash");
    entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    entries.keySet().forEach(CacheNames::entry);
    files = List.copyOf(files);
    externals = List.copyOf(externals);
    warnings = List.copyOf(warnings);
    for (Map.Entry<String, ManifestEntry> entry : entries.entrySet()) {
      String file = entry.getValue().file();
      if (files.stream().noneMatch(f -> f.name().equals(file))) {
        throw new IllegalArgumentException("entry " + entry.getKey() + " names " + file + ", which is not a file of the unit");
      }
    }
  }

  /** The sum of the files' sizes. */
  public long totalBytes() {
    return files.stream().mapToLong(ManifestFile::size).sum();
  }
}
