package dev.prebundled.cache;

import java.util.List;

/**
 * What one entry of a unit became, as the manifest records it: the output file that is its module
 * (a file of the unit), the names it exports, the source it was built from (relative to the package
 * root) and that source's module format.
 */
public record ManifestEntry(String file, List<String> exports, String source, String format) {
  public ManifestEntry {
    CacheNames.contentFileName(file);
    exports = List.copyOf(exports);
    if (source == null) source = "";
    if (format == null) format = "";
  }
}
