package dev.prebundled.cache;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The neutral input of a commit, which callers build from their own build results so the cache
 * depends on no bundler type: the output files, per entry what it became, the bare imports the
 * output keeps, the build time and warnings. Checked on construction: file names are unique and
 * safe, and every entry points at one of the files.
 */
public record UnitContents(
    List<ContentFile> files, Map<String, ManifestEntry> entries, List<String> externals, long buildMs, List<String> warnings) {

  public UnitContents {
    files = List.copyOf(files);
    // Sorted so the manifest (and anything derived from it) does not depend on the caller's map order.
    entries = java.util.Collections.unmodifiableMap(new TreeMap<>(entries));
    externals = List.copyOf(externals);
    warnings = List.copyOf(warnings);
    Set<String> names = new HashSet<>();
    for (ContentFile file : files) {
      if (!names.add(file.name())) {
        throw new PrebundledException(ErrorCode.BAD_REQUEST, "duplicate file name in a unit: " + file.name());
      }
    }
    for (Map.Entry<String, ManifestEntry> entry : entries.entrySet()) {
      CacheNames.entry(entry.getKey());
      if (!names.contains(entry.getValue().file())) {
        throw new PrebundledException(
            ErrorCode.BAD_REQUEST, "entry " + entry.getKey() + " names " + entry.getValue().file() + ", which is not a file of the unit");
      }
    }
  }

  /** The files by name, in the order given. */
  public Map<String, ContentFile> filesByName() {
    Map<String, ContentFile> byName = new LinkedHashMap<>();
    files.forEach(file -> byName.put(file.name(), file));
    return byName;
  }
}
